import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { httpHandler, json } from '../../../shared/adapters/http/http-api';

const event = { headers: {}, requestContext: { requestId: 'r-1' } } as unknown as APIGatewayProxyEventV2;

function contextWithRemaining(ms: number): Context {
  const deadline = Date.now() + ms;
  return { awsRequestId: 'r-1', getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()) } as unknown as Context;
}

describe('httpHandler near its deadline', () => {
  it('answers a retryable 503 with Retry-After, not a 500, when the use case outlasts the deadline', async () => {
    // Prepare: a use case slower than the invocation's remaining time.
    const slow = httpHandler(() => new Promise((resolve) => setTimeout(() => resolve(json(202, { accepted: 1 })), 5_000)));

    // Act
    const answer = (await slow(event, contextWithRemaining(1_200))) as { statusCode: number; headers: Record<string, string>; body: string };

    // Assess
    expect(answer.statusCode).toBe(503);
    expect(answer.headers['retry-after']).toBe('1');
    expect(JSON.parse(answer.body)).toMatchObject({ error: 'unavailable', requestId: 'r-1' });
  });

  it('answers as the use case does when it finishes in time', async () => {
    // Prepare
    const quick = httpHandler(async () => json(202, { accepted: 1 }));

    // Act
    const answer = (await quick(event, contextWithRemaining(5_000))) as { statusCode: number; body: string };

    // Assess
    expect(answer.statusCode).toBe(202);
    expect(JSON.parse(answer.body)).toEqual({ accepted: 1 });
  });
});
