import { randomUUID } from 'node:crypto';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../../infra/local/local-runtime';
import { call, startTestRuntime } from '../../support/test-runtime';

let runtime: LocalRuntime;

beforeAll(async () => {
  runtime = await startTestRuntime();
});
afterAll(async () => {
  await runtime?.stop();
});

const isoAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();
const freshUser = () => `idem-${randomUUID().slice(0, 8)}`;

function purchase(userId: string, eventId: string, amount: number, minutesAgo: number) {
  return { eventId, userId, type: 'purchase', orderId: `${eventId}-order`, amount, currency: 'CNY', timestamp: isoAgo(minutesAgo) };
}

/** The raw item as stored (strongly consistent), after the stream consumers have settled. */
async function rawItemOf(userId: string, eventId: string) {
  await runtime.settle();
  const table = [...runtime.tables.entries()].find(([id]) => id.startsWith('EventsTable'))![1];
  const documents = DynamoDBDocumentClient.from(runtime.dynamodb.client);
  const { Item } = await documents.send(new GetCommand({ TableName: table, Key: { pk: `USER#${userId}`, sk: `EVENT#${eventId}` }, ConsistentRead: true }));
  return Item && { restoredOver: Item.restoredOver as unknown, event: JSON.parse(Item.event as string) as Record<string, unknown> };
}

async function activityOf(userId: string) {
  await runtime.settle();
  return (await call(runtime, 'GET', `/v1/users/${userId}`)).body.activity;
}

describe('POST /v1/events is idempotent by event id (within its user)', () => {
  it('counts an event re-sent with another timestamp once, with its first content', async () => {
    // Prepare: a producer stamps events when it sends them, so its retry carries a new timestamp.
    const userId = freshUser();
    const first = purchase(userId, `${userId}-p1`, 10, 30);
    await call(runtime, 'POST', '/v1/events', { body: { events: [first] } });

    // Act
    const retry = await call(runtime, 'POST', '/v1/events', { body: { events: [{ ...first, timestamp: isoAgo(1) }] } });
    const activity = await activityOf(userId);

    // Assess
    expect([retry.status, retry.body]).toEqual([202, { accepted: 1 }]);
    expect(activity).toMatchObject({ purchasesTotal: 1, purchaseAmountTotal: 10 });
  });

  it('keeps what was applied first when a re-send changes the content', async () => {
    // Prepare
    const userId = freshUser();
    const first = purchase(userId, `${userId}-p1`, 10, 30);
    await call(runtime, 'POST', '/v1/events', { body: { events: [first] } });
    await runtime.settle();

    // Act: the changed copy, then the first again (a MODIFY each on the stream, never applied).
    await call(runtime, 'POST', '/v1/events', { body: { events: [{ ...first, amount: 999 }] } });
    await call(runtime, 'POST', '/v1/events', { body: { events: [first] } });
    const activity = await activityOf(userId);

    // Assess
    expect(activity).toMatchObject({ purchasesTotal: 1, purchaseAmountTotal: 10 });
  });

  it('keeps the first content in the raw item when a re-send changes it, and counts the event once', async () => {
    // Prepare
    const userId = freshUser();
    const first = purchase(userId, `${userId}-p1`, 10, 30);
    await call(runtime, 'POST', '/v1/events', { body: { events: [first] } });
    await runtime.settle();

    // Act: a changed copy (a MODIFY the aggregator undoes; the undoing put is a MODIFY too).
    await call(runtime, 'POST', '/v1/events', { body: { events: [{ ...first, amount: 999 }] } });
    const item = await rawItemOf(userId, first.eventId);
    const activity = await activityOf(userId);

    // Assess
    expect(item?.event).toEqual(first);
    expect(item?.restoredOver).toMatch(/^\d+$/);
    expect(activity).toMatchObject({ purchasesTotal: 1, purchaseAmountTotal: 10 });
  });

  it('keeps the first content when two changed re-sends follow each other', async () => {
    // Prepare
    const userId = freshUser();
    const first = purchase(userId, `${userId}-p1`, 10, 30);
    await call(runtime, 'POST', '/v1/events', { body: { events: [first] } });
    await runtime.settle();

    // Act: the second and third contents, back to back.
    await call(runtime, 'POST', '/v1/events', { body: { events: [{ ...first, amount: 20 }] } });
    await call(runtime, 'POST', '/v1/events', { body: { events: [{ ...first, amount: 30 }] } });
    const item = await rawItemOf(userId, first.eventId);
    const activity = await activityOf(userId);

    // Assess
    expect(item?.event).toMatchObject({ amount: 10 });
    expect(activity).toMatchObject({ purchasesTotal: 1, purchaseAmountTotal: 10 });
  });

  it('applies once the same new event sent in two racing batches', async () => {
    // Prepare
    const userId = freshUser();
    const event = purchase(userId, `${userId}-p1`, 10, 30);

    // Act
    const answers = await Promise.all([
      call(runtime, 'POST', '/v1/events', { body: { events: [event] } }),
      call(runtime, 'POST', '/v1/events', { body: { events: [{ ...event, amount: 20 }] } }),
    ]);
    const activity = (await activityOf(userId)) as { purchasesTotal: number; purchaseAmountTotal: number };

    // Assess: whichever write came first is the one applied.
    expect(answers.map((answer) => answer.status)).toEqual([202, 202]);
    expect(activity.purchasesTotal).toBe(1);
    expect([10, 20]).toContain(activity.purchaseAmountTotal);
  });

  it('rejects a batch holding one event id twice with different contents, naming both indexes, and writes nothing', async () => {
    // Prepare
    const userId = freshUser();
    const events = [
      purchase(userId, `${userId}-p1`, 10, 30),
      { eventId: `${userId}-s1`, userId, type: 'session', timestamp: isoAgo(20) },
      purchase(userId, `${userId}-p1`, 999, 30),
    ];

    // Act
    const answer = await call(runtime, 'POST', '/v1/events', { body: { events } });
    await runtime.settle();
    const user = await call(runtime, 'GET', `/v1/users/${userId}`);

    // Assess
    expect(answer.status).toBe(400);
    const problems = (answer.body as { problems: Array<{ index: number; path: string; message: string }> }).problems;
    expect(problems.map((problem) => problem.index).sort()).toEqual([0, 2]);
    for (const problem of problems) {
      expect(problem.path).toBe('eventId');
      expect(problem.message).toContain('appears twice with different contents');
    }
    expect(user.status).toBe(404);
  });

  it('applies identical copies inside one batch once', async () => {
    // Prepare
    const userId = freshUser();
    const event = purchase(userId, `${userId}-p1`, 10, 30);

    // Act
    const answer = await call(runtime, 'POST', '/v1/events', { body: { events: [event, { ...event }] } });
    const activity = await activityOf(userId);

    // Assess
    expect([answer.status, answer.body]).toEqual([202, { accepted: 2 }]);
    expect(activity).toMatchObject({ purchasesTotal: 1, purchaseAmountTotal: 10 });
  });
});
