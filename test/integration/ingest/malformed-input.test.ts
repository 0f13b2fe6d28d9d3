import { randomUUID } from 'node:crypto';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
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

const now = () => new Date().toISOString();

/**
 * Every item of the tables an ingest or a profile write could touch: raw events (EventsTable),
 * daily-activity month aggregates and profiles (UsersTable), in key order. Whole tables, so a
 * write under any user (a too-long id cut short, a missing id defaulted) shows too.
 */
async function writableState(): Promise<Record<string, unknown[]>> {
  const documents = DynamoDBDocumentClient.from(runtime.dynamodb.client);
  const state: Record<string, unknown[]> = {};
  for (const prefix of ['EventsTable', 'UsersTable']) {
    const table = [...runtime.tables].find(([logicalId]) => logicalId.startsWith(prefix));
    if (!table) throw new Error(`no table ${prefix}`);
    const items: Array<Record<string, unknown>> = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await documents.send(new ScanCommand({ TableName: table[1], ConsistentRead: true, ExclusiveStartKey: startKey }));
      items.push(...(page.Items ?? []));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    state[prefix] = items.map((item) => JSON.stringify(item)).sort();
  }
  return state;
}

/** A valid event for a user; each case below breaks one thing about it or about the request. */
function session(userId: string, overrides: Record<string, unknown> = {}) {
  return { eventId: `${userId}-${randomUUID().slice(0, 6)}`, userId, type: 'session', timestamp: now(), ...overrides };
}

interface BadRequest {
  name: string;
  request: (userId: string) => {
    method?: string;
    path?: string;
    body?: unknown;
    rawBody?: string;
    contentType?: string;
    auth?: 'ingest' | 'none';
    apiKey?: string;
  };
  status: number;
  /** The field path the answer must name, when the problem is a field. */
  path?: string;
}

const badEventBatches: BadRequest[] = [
  { name: 'events is missing', request: () => ({ body: {} }), status: 400, path: 'events' },
  { name: 'events is not an array', request: () => ({ body: { events: 'session' } }), status: 400, path: 'events' },
  { name: 'events is empty', request: () => ({ body: { events: [] } }), status: 400, path: 'events' },
  {
    name: 'more than 500 events',
    request: (u) => ({ body: { events: Array.from({ length: 501 }, (_, i) => session(u, { eventId: `${u}-${i}` })) } }),
    status: 400,
    path: 'events',
  },
  { name: 'an unknown top-level field', request: (u) => ({ body: { events: [session(u)], extra: true } }), status: 400 },
  { name: 'eventId missing', request: (u) => ({ body: { events: [{ ...session(u), eventId: undefined }] } }), status: 400, path: 'eventId' },
  { name: 'eventId is a number', request: (u) => ({ body: { events: [session(u, { eventId: 42 })] } }), status: 400, path: 'eventId' },
  { name: 'eventId is empty', request: (u) => ({ body: { events: [session(u, { eventId: '' })] } }), status: 400, path: 'eventId' },
  { name: 'eventId has a space', request: (u) => ({ body: { events: [session(u, { eventId: 'a b' })] } }), status: 400, path: 'eventId' },
  { name: 'userId missing', request: (u) => ({ body: { events: [{ ...session(u), userId: undefined }] } }), status: 400, path: 'userId' },
  { name: 'userId too long', request: (u) => ({ body: { events: [session(u, { userId: 'x'.repeat(129) })] } }), status: 400, path: 'userId' },
  { name: 'unknown event type', request: (u) => ({ body: { events: [session(u, { type: 'teleport' })] } }), status: 400, path: 'type' },
  { name: 'type missing', request: (u) => ({ body: { events: [{ ...session(u), type: undefined }] } }), status: 400, path: 'type' },
  { name: 'timestamp missing', request: (u) => ({ body: { events: [{ ...session(u), timestamp: undefined }] } }), status: 400, path: 'timestamp' },
  {
    name: 'timestamp without offset',
    request: (u) => ({ body: { events: [session(u, { timestamp: '2026-11-24T08:00:00' })] } }),
    status: 400,
    path: 'timestamp',
  },
  { name: 'timestamp not a date', request: (u) => ({ body: { events: [session(u, { timestamp: 'yesterday' })] } }), status: 400, path: 'timestamp' },
  {
    name: 'timestamp far in the future',
    request: (u) => ({ body: { events: [session(u, { timestamp: new Date(Date.now() + 3_600_000).toISOString() })] } }),
    status: 400,
    path: 'timestamp',
  },
  {
    name: 'timestamp more than 400 days old',
    request: (u) => ({ body: { events: [session(u, { timestamp: new Date(Date.now() - 401 * 86_400_000).toISOString() })] } }),
    status: 400,
    path: 'timestamp',
  },
  {
    name: 'purchase with a negative amount',
    request: (u) => ({ body: { events: [session(u, { type: 'purchase', orderId: 'o1', amount: -5, currency: 'CNY' })] } }),
    status: 400,
    path: 'amount',
  },
  {
    name: 'purchase with a zero amount',
    request: (u) => ({ body: { events: [session(u, { type: 'purchase', orderId: 'o1', amount: 0, currency: 'CNY' })] } }),
    status: 400,
    path: 'amount',
  },
  {
    name: 'purchase amount as a string',
    request: (u) => ({ body: { events: [session(u, { type: 'purchase', orderId: 'o1', amount: '12', currency: 'CNY' })] } }),
    status: 400,
    path: 'amount',
  },
  {
    name: 'purchase without orderId',
    request: (u) => ({ body: { events: [session(u, { type: 'purchase', amount: 5, currency: 'CNY' })] } }),
    status: 400,
    path: 'orderId',
  },
  {
    name: 'purchase with a bad currency',
    request: (u) => ({ body: { events: [session(u, { type: 'purchase', orderId: 'o1', amount: 5, currency: 'yuan' })] } }),
    status: 400,
    path: 'currency',
  },
  {
    name: 'refund with a negative amount',
    request: (u) => ({ body: { events: [session(u, { type: 'refund', orderId: 'o1', amount: -1 })] } }),
    status: 400,
    path: 'amount',
  },
  { name: 'feature_use without feature', request: (u) => ({ body: { events: [session(u, { type: 'feature_use' })] } }), status: 400, path: 'feature' },
  {
    name: 'referral_signup without referrerId',
    request: (u) => ({ body: { events: [session(u, { type: 'referral_signup' })] } }),
    status: 400,
    path: 'referrerId',
  },
  { name: 'message_open without messageId', request: (u) => ({ body: { events: [session(u, { type: 'message_open' })] } }), status: 400, path: 'messageId' },
  {
    name: 'unsubscribe from an unknown channel',
    request: (u) => ({ body: { events: [session(u, { type: 'unsubscribe', channel: 'pigeon' })] } }),
    status: 400,
    path: 'channel',
  },
  { name: 'a session with an unexpected field', request: (u) => ({ body: { events: [session(u, { amount: 5 })] } }), status: 400 },
  {
    name: 'one bad event among good ones',
    request: (u) => ({ body: { events: [session(u), session(u), session(u, { type: 'nope' })] } }),
    status: 400,
    path: 'type',
  },
  { name: 'body is not JSON', request: () => ({ rawBody: '{"events": [' }), status: 400 },
  { name: 'body is empty', request: () => ({ rawBody: '', contentType: 'application/json' }), status: 400 },
  { name: 'wrong content type', request: (u) => ({ rawBody: JSON.stringify({ events: [session(u)] }), contentType: 'text/plain' }), status: 415 },
  { name: 'no API key', request: (u) => ({ body: { events: [session(u)] }, auth: 'none' }), status: 401 },
  { name: 'wrong API key', request: (u) => ({ body: { events: [session(u)] }, apiKey: 'rk_ingest_not-the-key-at-all' }), status: 403 },
  { name: 'unknown route', request: (u) => ({ path: '/v1/event', body: { events: [session(u)] } }), status: 404 },
];

const badProfiles: BadRequest[] = [
  {
    name: 'profile with a bad timezone',
    request: (u) => ({ method: 'PUT', path: `/v1/users/${u}`, body: { timezone: 'Mars/Olympus' } }),
    status: 400,
    path: 'timezone',
  },
  { name: 'profile with a bad locale', request: (u) => ({ method: 'PUT', path: `/v1/users/${u}`, body: { locale: 'fr-FR' } }), status: 400, path: 'locale' },
  {
    name: 'profile with a phone not in E.164',
    request: (u) => ({ method: 'PUT', path: `/v1/users/${u}`, body: { phone: '138 0013 8000' } }),
    status: 400,
    path: 'phone',
  },
  {
    name: 'profile with a bad email',
    request: (u) => ({ method: 'PUT', path: `/v1/users/${u}`, body: { email: 'not-an-email' } }),
    status: 400,
    path: 'email',
  },
  {
    name: 'profile with a non-boolean consent',
    request: (u) => ({ method: 'PUT', path: `/v1/users/${u}`, body: { consents: { email: 'yes' } } }),
    status: 400,
    path: 'consents.email',
  },
  { name: 'profile with an unknown field', request: (u) => ({ method: 'PUT', path: `/v1/users/${u}`, body: { nickname: 'x' } }), status: 400 },
  { name: 'profile without an API key', request: (u) => ({ method: 'PUT', path: `/v1/users/${u}`, body: { locale: 'en' }, auth: 'none' }), status: 401 },
];

describe('bad input gets a clear 4xx and writes nothing', () => {
  it.each([...badEventBatches, ...badProfiles].map((c) => [c.name, c] as const))('%s', async (_name, badRequest) => {
    // Prepare
    const userId = `bad-${randomUUID().slice(0, 8)}`;
    const request = badRequest.request(userId);
    const before = await writableState();

    // Act
    const answer = await call(runtime, request.method ?? 'POST', request.path ?? '/v1/events', {
      ...(request.body !== undefined ? { body: request.body } : {}),
      ...(request.rawBody !== undefined ? { rawBody: request.rawBody } : {}),
      ...(request.contentType ? { contentType: request.contentType } : {}),
      ...(request.auth ? { auth: request.auth } : {}),
      ...(request.apiKey ? { apiKey: request.apiKey } : {}),
    });
    await runtime.settle();
    const afterwards = await call(runtime, 'GET', `/v1/users/${userId}`);
    const after = await writableState();

    // Assess
    expect(answer.status).toBe(badRequest.status);
    expect(typeof answer.body.message).toBe('string');
    if (badRequest.path) {
      const problems = (answer.body.problems ?? []) as Array<{ path: string; message: string }>;
      expect(problems.map((problem) => problem.path)).toContain(badRequest.path);
      expect(problems.every((problem) => problem.message.length > 0)).toBe(true);
    }
    expect(afterwards.status).toBe(404);
    expect(after).toEqual(before);
  });

  it('names the index of each bad event in the batch', async () => {
    const userId = `bad-${randomUUID().slice(0, 8)}`;
    const answer = await call(runtime, 'POST', '/v1/events', {
      body: { events: [session(userId), session(userId, { type: 'x' }), session(userId), session(userId, { timestamp: 'never' })] },
    });
    const problems = answer.body.problems as Array<{ index: number; path: string }>;
    expect(problems.map((problem) => [problem.index, problem.path])).toEqual([
      [1, 'type'],
      [3, 'timestamp'],
    ]);
  });
});
