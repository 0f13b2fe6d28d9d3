import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../../infra/local/local-runtime';
import { ERROR_CODES } from '../../../shared/domain/common';
import { call, startTestRuntime } from '../../support/test-runtime';

let runtime: LocalRuntime;

beforeAll(async () => {
  runtime = await startTestRuntime();
});
afterAll(async () => {
  await runtime?.stop();
});

/** A raw request, so the answer's headers can be read too. */
async function raw(method: string, path: string, auth: 'ingest' | 'marketer', body?: unknown) {
  const headers: Record<string, string> =
    auth === 'ingest' ? { 'x-api-key': runtime.credentials.ingestKey } : { authorization: `Bearer ${runtime.credentials.marketerToken}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${runtime.apiUrl}${path}`, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
}

describe('a malformed percent-encoding in a path parameter', () => {
  const cases = [
    { method: 'GET', path: '/v1/users/%ZZ', auth: 'marketer', parameter: 'userId' },
    { method: 'PUT', path: '/v1/users/%E0%A4%A', auth: 'ingest', parameter: 'userId', body: { locale: 'en' } },
    { method: 'POST', path: '/v1/users/%C0%AE%C0%AE/checkins', auth: 'ingest', parameter: 'userId' },
    { method: 'GET', path: '/v1/journeys/%ZZ', auth: 'marketer', parameter: 'journeyId' },
    { method: 'GET', path: '/v1/messages/%E0%A4%A', auth: 'marketer', parameter: 'messageId' },
    { method: 'POST', path: '/v1/draws/%ZZ', auth: 'marketer', parameter: 'month' },
  ] as const;

  it.each(cases)('$method $path answers 400 naming $parameter', async ({ method, path, auth, parameter, ...rest }) => {
    // Prepare: a request whose path parameter cannot be decoded.
    const body = 'body' in rest ? rest.body : undefined;

    // Act
    const answer = await raw(method, path, auth, body);

    // Assess: a client error with the stable code and the parameter named, never a 500.
    expect(answer.status).toBe(400);
    expect(answer.body.error).toBe('invalid-path-parameter');
    expect(answer.body.problems).toEqual([expect.objectContaining({ path: parameter })]);
  });
});

describe('an unknown method on a known path', () => {
  it('answers 405 with the methods the path takes in Allow', async () => {
    const answer = await raw('DELETE', '/v1/users/u-405', 'marketer');

    expect(answer.status).toBe(405);
    expect(answer.body.error).toBe('method-not-allowed');
    expect((answer.headers.get('allow') ?? '').split(/,\s*/).sort()).toEqual(['GET', 'PUT']);
  });

  it('still answers 404 on a path the API does not have', async () => {
    const answer = await raw('GET', '/v1/nowhere', 'marketer');

    expect(answer.status).toBe(404);
    expect(answer.body).toMatchObject({ error: 'not-found', message: 'the API has no path /v1/nowhere' });
  });
});

describe('one error shape', () => {
  it('names the code from the one list and the field in words, for a missing field', async () => {
    const answer = await call(runtime, 'POST', '/v1/events', {
      body: { events: [{ eventId: 'e-shape-1', type: 'session', timestamp: new Date().toISOString() }] },
    });

    expect(answer.status).toBe(400);
    expect(answer.body.error).toBe('invalid-request');
    expect(answer.body.problems).toEqual([{ index: 0, path: 'userId', message: 'userId is required' }]);
  });

  it('answers malformed JSON with invalid-json and an unsupported content type with unsupported-media-type', async () => {
    const malformed = await call(runtime, 'POST', '/v1/events', { rawBody: '{"events": [' });
    const wrongType = await call(runtime, 'POST', '/v1/events', { rawBody: 'events=1', contentType: 'application/x-www-form-urlencoded' });

    expect([malformed.status, malformed.body.error]).toEqual([400, 'invalid-json']);
    expect([wrongType.status, wrongType.body.error]).toEqual([415, 'unsupported-media-type']);
  });

  it('uses only codes from the documented list', async () => {
    const answers = await Promise.all([
      call(runtime, 'GET', '/v1/users/nobody-here'),
      call(runtime, 'POST', '/v1/events', { body: {} }),
      call(runtime, 'GET', '/v1/journeys/no-such-journey'),
    ]);

    for (const answer of answers) expect(Object.keys(ERROR_CODES)).toContain(answer.body.error);
    expect(answers.map((answer) => answer.status)).toEqual([404, 400, 404]);
  });
});
