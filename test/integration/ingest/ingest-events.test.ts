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

function freshUser(): string {
  return `it-${randomUUID().slice(0, 8)}`;
}

function batchFor(userId: string) {
  return [
    { eventId: `${userId}-1`, userId, type: 'session', timestamp: isoAgo(30) },
    { eventId: `${userId}-2`, userId, type: 'feature_use', feature: 'playlist', timestamp: isoAgo(29) },
    { eventId: `${userId}-3`, userId, type: 'search', query: 'jazz', timestamp: isoAgo(28) },
    { eventId: `${userId}-4`, userId, type: 'purchase', orderId: 'o-1', amount: 19.9, currency: 'CNY', timestamp: isoAgo(27) },
  ];
}

async function activityOf(userId: string) {
  await runtime.settle();
  return call(runtime, 'GET', `/v1/users/${userId}`);
}

describe('POST /v1/events', () => {
  it('accepts a batch, then the same batch again, and applies it once', async () => {
    // Prepare
    const userId = freshUser();
    const events = batchFor(userId);

    // Act
    const first = await call(runtime, 'POST', '/v1/events', { body: { events } });
    const second = await call(runtime, 'POST', '/v1/events', { body: { events } });
    const user = await activityOf(userId);

    // Assess
    expect([first.status, first.body]).toEqual([202, { accepted: 4 }]);
    expect([second.status, second.body]).toEqual([202, { accepted: 4 }]);
    expect(user.status).toBe(200);
    expect(user.body.activity).toMatchObject({
      sessionsLast30: 1,
      purchasesTotal: 1,
      purchaseAmountTotal: 19.9,
      featureUsesLast30: { playlist: 1 },
      activeDaysLast7: 1,
    });
  });

  it('applies 50 concurrent identical batches exactly once', async () => {
    // Prepare
    const userId = freshUser();
    const events = batchFor(userId);

    // Act
    const answers = await Promise.all(Array.from({ length: 50 }, () => call(runtime, 'POST', '/v1/events', { body: { events } })));
    const user = await activityOf(userId);

    // Assess
    expect(answers.every((answer) => answer.status === 202)).toBe(true);
    expect(user.body.activity).toMatchObject({ sessionsLast30: 1, purchasesTotal: 1, purchaseAmountTotal: 19.9, featureUsesLast30: { playlist: 1 } });
  });

  it('applies an event re-sent inside a later batch once, and the new one beside it', async () => {
    // Prepare
    const userId = freshUser();
    const [a, b] = batchFor(userId);
    await call(runtime, 'POST', '/v1/events', { body: { events: [a] } });

    // Act
    const answer = await call(runtime, 'POST', '/v1/events', { body: { events: [a, b] } });
    const user = await activityOf(userId);

    // Assess
    expect(answer.body).toEqual({ accepted: 2 });
    expect(user.body.activity).toMatchObject({ sessionsLast30: 1, featureUsesLast30: { playlist: 1 } });
  });
});

describe('PUT and GET /v1/users/{userId}', () => {
  it('creates, then updates a profile, keeping fields the update leaves out', async () => {
    // Prepare
    const userId = freshUser();

    // Act
    const created = await call(runtime, 'PUT', `/v1/users/${userId}`, {
      body: { email: 'ada@example.test', timezone: 'Asia/Shanghai', locale: 'zh-CN', consents: { email: true } },
    });
    const updated = await call(runtime, 'PUT', `/v1/users/${userId}`, { body: { phone: '+8613800138000', consents: { sms: true } } });
    const read = await call(runtime, 'GET', `/v1/users/${userId}`);

    // Assess
    expect(created.status).toBe(201);
    expect(updated.status).toBe(200);
    expect(read.body.profile).toMatchObject({
      email: 'ada@example.test',
      phone: '+8613800138000',
      timeZone: 'Asia/Shanghai',
      locale: 'zh-CN',
      consents: { email: true, sms: true, push: false },
    });
  });

  it('answers 404 for a user it has never seen', async () => {
    const answer = await call(runtime, 'GET', `/v1/users/${freshUser()}`);
    expect(answer.status).toBe(404);
  });
});
