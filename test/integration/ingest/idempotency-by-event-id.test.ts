import { randomUUID } from 'node:crypto';
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

async function activityOf(userId: string) {
  await runtime.settle();
  return (await call(runtime, 'GET', `/v1/users/${userId}`)).body.activity;
}

describe('POST /v1/events is idempotent by event id (within its user)', () => {
  it('counts an event re-sent with another timestamp once, and says it was a conflicting duplicate', async () => {
    // Prepare: a producer stamps events when it sends them, so its retry carries a new timestamp.
    const userId = freshUser();
    const first = purchase(userId, `${userId}-p1`, 10, 30);
    await call(runtime, 'POST', '/v1/events', { body: { events: [first] } });

    // Act
    const retry = await call(runtime, 'POST', '/v1/events', { body: { events: [{ ...first, timestamp: isoAgo(1) }] } });
    const activity = await activityOf(userId);

    // Assess
    expect(retry).toMatchObject({ status: 202, body: { accepted: 1, new: 0, duplicates: 1, conflicting: [first.eventId] } });
    expect(activity).toMatchObject({ purchasesTotal: 1, purchaseAmountTotal: 10 });
  });

  it('keeps what was stored first when a re-send changes the content', async () => {
    // Prepare
    const userId = freshUser();
    const first = purchase(userId, `${userId}-p1`, 10, 30);
    await call(runtime, 'POST', '/v1/events', { body: { events: [first] } });

    // Act
    const resent = await call(runtime, 'POST', '/v1/events', { body: { events: [{ ...first, amount: 999 }] } });
    const activity = await activityOf(userId);

    // Assess
    expect(resent.body).toMatchObject({ new: 0, duplicates: 1, conflicting: [first.eventId] });
    expect(activity).toMatchObject({ purchasesTotal: 1, purchaseAmountTotal: 10 });
  });

  it('lists no conflict for an identical re-send', async () => {
    // Prepare
    const userId = freshUser();
    const first = purchase(userId, `${userId}-p1`, 10, 30);
    await call(runtime, 'POST', '/v1/events', { body: { events: [first] } });

    // Act
    const resent = await call(runtime, 'POST', '/v1/events', { body: { events: [first] } });

    // Assess
    expect(resent.body).toMatchObject({ new: 0, duplicates: 1, conflicting: [] });
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

  it('keeps identical copies inside one batch as duplicates', async () => {
    // Prepare
    const userId = freshUser();
    const event = purchase(userId, `${userId}-p1`, 10, 30);

    // Act
    const answer = await call(runtime, 'POST', '/v1/events', { body: { events: [event, { ...event }] } });
    const activity = await activityOf(userId);

    // Assess
    expect(answer).toMatchObject({ status: 202, body: { accepted: 2, new: 1, duplicates: 1, conflicting: [] } });
    expect(activity).toMatchObject({ purchasesTotal: 1, purchaseAmountTotal: 10 });
  });
});
