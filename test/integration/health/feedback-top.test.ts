import type { DynamoDBStreamEvent } from 'aws-lambda';
import { marshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../../infra/local/local-runtime';
import { rawEventItem } from '../../../shared/adapters/dynamodb/raw-event-store';
import type { BehaviourEvent } from '../../../shared/domain/events/behaviour-event';
import { isoWeekOf, type FeatureComplaints } from '../../../shared/domain/health';
import { call, startTestRuntime } from '../../support/test-runtime';
import { functionIdOf } from '../messaging/support';

let runtime: LocalRuntime;
let week: string;
let events: BehaviourEvent[];

beforeAll(async () => {
  runtime = await startTestRuntime();
  // Noon in Shanghai today: the event's reporting day is its UTC day.
  const day = runtime.clock.now().toISOString().slice(0, 10);
  const at = `${day}T04:00:00Z`;
  if (Date.parse(at) > runtime.clock.now().getTime()) runtime.clock.advance(Date.parse(at) - runtime.clock.now().getTime() + 1000);
  week = isoWeekOf(day);
  const feedback = (i: number, feature: string, rating: number, comment?: string): BehaviourEvent => ({
    eventId: `fb-${i}`,
    userId: `fb-user-${i}`,
    type: 'feedback',
    feature,
    rating,
    timestamp: at,
    ...(comment === undefined ? {} : { comment }),
  });
  events = [
    feedback(1, 'upload', 1, 'upload fails, write to li.lei@example.com'),
    feedback(2, 'upload', 2, 'slow, call me on +86 138 1234 5678'),
    feedback(3, 'upload', 4),
    feedback(4, 'share', 1),
    feedback(5, 'search', 2),
    feedback(6, 'profile', 5, 'fine'),
    { eventId: 'fb-s', userId: 'fb-user-1', type: 'session', timestamp: at },
  ];
  const answer = await call(runtime, 'POST', '/v1/events', { body: { events } });
  if (answer.status >= 300) throw new Error(`POST /v1/events answered ${answer.status}`);
  await runtime.settle();
}, 300_000);
afterAll(async () => {
  await runtime?.stop();
});

describe('the weekly top-3 of complained features', () => {
  it('answers from the feedback counters, with counts and samples masked of contact data', async () => {
    // Act
    const answer = await call(runtime, 'GET', `/v1/feedback/top?week=${week}`, { auth: 'marketer' });

    // Assess
    expect(answer.status).toBe(200);
    expect(answer.body.week).toBe(week);
    expect(answer.body.features).toEqual([
      { feature: 'upload', negative: 2, total: 3, averageRating: 2.33, samples: ['upload fails, write to [email]', 'slow, call me on [phone]'] },
      // search and share tie (1 of 1 negative): by name.
      { feature: 'search', negative: 1, total: 1, averageRating: 2, samples: [] },
      { feature: 'share', negative: 1, total: 1, averageRating: 1, samples: [] },
    ] satisfies FeatureComplaints[]);
  });

  it('counts a redelivered stream record once', async () => {
    // Prepare: the same inserted record handed to the consumer again, as a retried batch would.
    const handler = runtime.handlerOf(functionIdOf(runtime, 'functions/health-feedback/handler.ts')) as (event: DynamoDBStreamEvent) => Promise<unknown>;
    const record = {
      eventName: 'INSERT' as const,
      dynamodb: {
        NewImage: marshall(rawEventItem(events[0]!, 400)) as NonNullable<NonNullable<DynamoDBStreamEvent['Records'][number]['dynamodb']>['NewImage']>,
      },
    };

    // Act
    const report = await handler({ Records: [record] });
    const answer = await call(runtime, 'GET', `/v1/feedback/top?week=${week}`, { auth: 'marketer' });

    // Assess
    expect(report).toEqual({ counted: 0, duplicates: 1 });
    expect((answer.body.features as FeatureComplaints[])[0]).toMatchObject({ feature: 'upload', negative: 2, total: 3 });
  });

  it('refuses a week that is not an ISO week, naming the field', async () => {
    // Act
    const answer = await call(runtime, 'GET', '/v1/feedback/top?week=2026-48', { auth: 'marketer' });

    // Assess
    expect(answer.status).toBe(400);
    expect(JSON.stringify(answer.body)).toContain('week');
  });
});
