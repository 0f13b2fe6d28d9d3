import { randomUUID } from 'node:crypto';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../../infra/local/local-runtime';
import { DynamoUserStore } from '../../../shared/adapters/dynamodb/user-store';
import { emptyMonth, mergeNewEvents } from '../../../shared/domain/events/month-activity';
import { BehaviourEvent } from '../../../shared/domain/events/behaviour-event';
import { startTestRuntime } from '../../support/test-runtime';

/** The aggregator's month store on DynamoDB Local: new months go in transactions of conditional puts. */
let runtime: LocalRuntime;
let store: DynamoUserStore;

beforeAll(async () => {
  runtime = await startTestRuntime();
  const usersTable = [...runtime.tables.entries()].find(([id]) => id.startsWith('UsersTable'))![1];
  store = new DynamoUserStore(DynamoDBDocumentClient.from(runtime.dynamodb.client), usersTable, 400);
});
afterAll(async () => {
  await runtime?.stop();
});

const MONTH = '2026-11';

function monthWithSessions(userId: string, sessions: number, firstSequence: number) {
  const records = Array.from({ length: sessions }, (_, i) => ({
    sequence: String(firstSequence + i),
    event: BehaviourEvent.parse({ eventId: `${userId}-${firstSequence + i}`, userId, type: 'session', timestamp: `${MONTH}-20T0${i}:00:00Z` }),
  }));
  return mergeNewEvents(emptyMonth(userId, MONTH), records).month;
}

describe('DynamoUserStore.putMonths', () => {
  it('writes 150 new months in transactions, and answers as changed the one another writer stored meanwhile, leaving it as that writer wrote it', async () => {
    // Prepare
    const prefix = randomUUID().slice(0, 8);
    const months = Array.from({ length: 150 }, (_, i) => monthWithSessions(`ms-${prefix}-${i}`, 1 + (i % 3), 100));
    const raced = months[120]!;
    await store.putMonths([monthWithSessions(raced.userId, 5, 1)]);

    // Act
    const { changed } = await store.putMonths(months);

    // Assess
    expect(changed.map((month) => month.userId)).toEqual([raced.userId]);
    const stored = await store.getMonths(months.map(({ userId }) => ({ userId, month: MONTH })));
    const sessionsOf = new Map(stored.map((month) => [month.userId, [...month.days.values()].reduce((sum, day) => sum + day.sessions, 0)]));
    expect(months.map(({ userId }) => sessionsOf.get(userId))).toEqual(months.map((month, i) => (month === raced ? 5 : 1 + (i % 3))));
    expect(stored.every((month) => month.version === 1)).toBe(true);
  });
});
