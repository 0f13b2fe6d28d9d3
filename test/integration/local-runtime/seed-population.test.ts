import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../../infra/local/local-runtime';
import { seedPopulation, seedTablesOf } from '../../../infra/local/seed-population';
import { DynamoUserStore } from '../../../shared/adapters/dynamodb/user-store';
import { utcDayOf } from '../../../shared/domain/common';
import { generatePopulation } from '../../../shared/domain/seed';
import { startTestRuntime } from '../../support/test-runtime';

/**
 * Seeding beside the running aggregator (as `rekindle seed` into a running `npm start` does): the
 * aggregator writes months unconditionally, so the seeder must have written a user's months before
 * the raw events whose stream records bring the aggregator to them.
 */
let runtime: LocalRuntime;
let store: DynamoUserStore;
let documents: DynamoDBDocumentClient;

beforeAll(async () => {
  runtime = await startTestRuntime();
  documents = DynamoDBDocumentClient.from(runtime.dynamodb.client, { marshallOptions: { removeUndefinedValues: true } });
  store = new DynamoUserStore(documents, seedTablesOf(runtime.tables).users, 400);
});
afterAll(async () => {
  await runtime?.stop();
});

const monthKeysOf = (events: ReadonlyArray<{ userId: string; timestamp: string }>) => [
  ...new Map(events.map((event) => [`${event.userId}|${event.timestamp.slice(0, 7)}`, { userId: event.userId, month: event.timestamp.slice(0, 7) }])).values(),
];

describe('seedPopulation beside the aggregator', () => {
  it("writes each flush's months before its raw events, and the aggregator leaves the seeded days as seeded", async () => {
    // Prepare
    const request = { users: 300, days: 30, seed: 7, endDate: runtime.clock.now() };
    const missingAtRawWrite: string[] = [];
    let rawEvents = 0;

    // Act
    await seedPopulation(documents, seedTablesOf(runtime.tables), request, undefined, {
      beforeRawWrite: async (events) => {
        rawEvents += events.length;
        const keys = monthKeysOf(events);
        const found = new Set((await store.getMonths(keys)).map((month) => `${month.userId}|${month.month}`));
        for (const key of keys) if (!found.has(`${key.userId}|${key.month}`)) missingAtRawWrite.push(`${key.userId} ${key.month}`);
      },
    });
    await runtime.settle();

    // Assess
    expect(rawEvents).toBeGreaterThan(0);
    expect(missingAtRawWrite).toEqual([]);
    const sessions = new Map<string, number>();
    for (const user of generatePopulation(request)) {
      for (const event of user.events) {
        if (event.type !== 'session') continue;
        const key = `${event.userId}|${utcDayOf(event.timestamp)}`;
        sessions.set(key, (sessions.get(key) ?? 0) + 1);
      }
    }
    const stored = new Map<string, number>();
    for (const user of generatePopulation(request)) {
      for (const day of await store.listForUser(user.profile.userId)) if (day.sessions > 0) stored.set(`${day.userId}|${day.day}`, day.sessions);
    }
    expect(stored.size).toBeGreaterThan(300);
    expect(Object.fromEntries(stored)).toEqual(Object.fromEntries(sessions));
  });
});
