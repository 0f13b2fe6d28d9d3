import { randomUUID } from 'node:crypto';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../../infra/local/local-runtime';
import { DynamoUserStore } from '../../../shared/adapters/dynamodb/user-store';
import { emptyMonth, mergeNewEvents } from '../../../shared/domain/events/month-activity';
import { BehaviourEvent } from '../../../shared/domain/events/behaviour-event';
import { startTestRuntime } from '../../support/test-runtime';

/** The aggregator's month store on DynamoDB Local: months are written as merged, in batches. */
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
  it('writes 150 months in batches, each read back as merged, the stream position with it; a month stored before is replaced by its next merge', async () => {
    // Prepare
    const prefix = randomUUID().slice(0, 8);
    const earlier = monthWithSessions(`ms-${prefix}-120`, 5, 1);
    await store.putMonths([earlier]);
    const [storedEarlier] = await store.getMonths([{ userId: earlier.userId, month: MONTH }]);
    const months = Array.from({ length: 150 }, (_, i) => monthWithSessions(`ms-${prefix}-${i}`, 1 + (i % 3), 100));
    months[120] = mergeNewEvents(storedEarlier!, [
      { sequence: '200', event: BehaviourEvent.parse({ eventId: 'later', userId: earlier.userId, type: 'session', timestamp: `${MONTH}-21T00:00:00Z` }) },
    ]).month;

    // Act
    await store.putMonths(months);

    // Assess
    const stored = await store.getMonths(months.map(({ userId }) => ({ userId, month: MONTH })));
    const sessionsOf = new Map(stored.map((month) => [month.userId, [...month.days.values()].reduce((sum, day) => sum + day.sessions, 0)]));
    expect(months.map(({ userId }) => sessionsOf.get(userId))).toEqual(months.map((_, i) => (i === 120 ? 6 : 1 + (i % 3))));
    const appliedOf = new Map(stored.map((month) => [month.userId, month.appliedThrough]));
    expect(months.map(({ userId }) => appliedOf.get(userId))).toEqual(months.map((month) => month.appliedThrough));
    expect(appliedOf.get(earlier.userId)).toBe('200');
  });
});
