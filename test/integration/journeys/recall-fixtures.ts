/**
 * The journey test files' shared fixture (recall and lifecycle): a runtime per file
 * (`useRecallRuntime`), seeded scored users, and readers of what a journey did.
 */
import { DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, expect } from 'vitest';
import type { LocalRuntime } from '../../../infra/local/local-runtime';
import { audienceIndexAttributes } from '../../../shared/adapters/dynamodb/audience-index';
import { batchPut } from '../../../shared/adapters/dynamodb/batch';
import { DynamoUserStore } from '../../../shared/adapters/dynamodb/user-store';
import { journeyKeys } from '../../../shared/adapters/journeys/journey-keys';
import type { ScoreItem } from '../../../shared/adapters/journeys/score-reader';
import type { ExecutionRecord } from '../../../infra/local/step-functions/execution-store';
import type { MessageLogEntry } from '../../../shared/domain/messaging';
import { call, startTestRuntime, tableNamed, moveToNextNoonUtc } from '../../support/test-runtime';

export const DAY = 86_400_000;

/** A seeded generator of uniform numbers in [0, 1) (mulberry32), so an injected fault falls the same way on every run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Enrollments of the scale test: REKINDLE_SCALE_ENROLLMENTS when set (a positive integer), else 2,000. */
export function scaleEnrollments(): number {
  const given = process.env.REKINDLE_SCALE_ENROLLMENTS;
  if (given === undefined || given === '') return 2_000;
  const count = Number(given);
  if (!Number.isInteger(count) || count <= 0) throw new Error(`REKINDLE_SCALE_ENROLLMENTS must be a positive integer, got ${JSON.stringify(given)}`);
  return count;
}
export let runtime: LocalRuntime;
export let documents: DynamoDBDocumentClient;
export let usersTable: string;
export let operationsTable: string;
export let profiles: DynamoUserStore;
export let machineArn: string;

/** Starts the file's runtime (before all its tests) and stops it after them. */
export function useRecallRuntime(): void {
  beforeAll(async () => {
    runtime = await startTestRuntime();
    documents = DynamoDBDocumentClient.from(runtime.dynamodb.client);
    usersTable = tableNamed(runtime, 'UsersTable');
    operationsTable = tableNamed(runtime, 'OperationsTable');
    profiles = new DynamoUserStore(documents, usersTable, 400);
    machineArn = runtime.stateMachineArn('JourneysRecallJourneyStateMachine');
    await moveToNextNoonUtc(runtime);
  });
  afterAll(async () => {
    await runtime?.stop();
  });
}

/** Seeds scored, silent R3 users whose CLV (unique per test) lets one audience pick exactly them. */
export async function seedScoredUsers(prefix: string, count: number, clv: number, tier: ScoreItem['tier'] = 'R3', timezone = 'UTC'): Promise<string[]> {
  const userIds = Array.from({ length: count }, (_, i) => `${prefix}-${String(i).padStart(4, '0')}`);
  const now = runtime.clock.now().toISOString();
  await profiles.putProfiles(
    userIds.map((userId) => ({
      userId,
      email: `${userId}@example.test`,
      pushToken: `token-${userId}`,
      timezone,
      locale: 'en' as const,
      consents: { email: true, sms: false, push: true },
      attributes: { firstName: 'Ada' },
      createdAt: now,
      updatedAt: now,
    })),
  );
  // Batch writes: the scale test seeds 100,000 (scores as nightly scoring writes them, in batches of 25).
  await batchPut(
    documents,
    usersTable,
    userIds.map((userId) => ({
      pk: journeyKeys.userPk(userId),
      sk: journeyKeys.scoreSk,
      ...({ userId, tier, segment: 'At Risk', quadrant: 'Cash Cow', churnRisk: 0.7, clv, daysSilent: 20 } satisfies ScoreItem),
      ...audienceIndexAttributes({ userId, tier, clv }),
    })),
    16,
  );
  return userIds;
}

export const marketer = { auth: 'marketer' as const };

/** A one-send R3 journey whose send is a day out, so its started executions just wait on the clock (launch tests). */
export function parkedR3Journey(id: string, name: string) {
  return {
    id,
    name,
    tier: 'R3',
    steps: [
      { kind: 'wait', days: 1 },
      { kind: 'send', channels: ['email'], templateId: 'recall-r3', offer: { kind: 'coupon', value: 15, unit: 'percent' } },
    ],
    maxDurationDays: 5,
  };
}

export async function advanceDays(days: number): Promise<void> {
  for (let day = 0; day < days; day++) {
    runtime.clock.advance(DAY);
    await runtime.settle();
  }
}

export async function journeyItems(userId: string, journeyId: string): Promise<Array<Record<string, unknown>>> {
  const answer = await documents.send(
    new QueryCommand({
      TableName: usersTable,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': `USER#${userId}`, ':prefix': `JOURNEY#${journeyId}#` },
      ConsistentRead: true,
    }),
  );
  return answer.Items ?? [];
}

/** The user's message log (the send path's record of every call), this journey's entries, oldest first. */
export async function messagesOf(userId: string, journeyId: string): Promise<MessageLogEntry[]> {
  const answer = await call(runtime, 'GET', `/v1/users/${userId}/messages`);
  expect(answer.status).toBe(200);
  return (answer.body.messages as MessageLogEntry[]).filter((entry) => entry.source.kind === 'journey' && entry.source.journeyId === journeyId).reverse();
}

/** What went out: channel and outcome (with the skip reason) per message, oldest first. */
export const sendsOf = async (userId: string, journeyId: string) =>
  (await messagesOf(userId, journeyId)).map(
    (entry) => `${entry.channel}:${entry.outcome.kind}${entry.outcome.kind === 'skipped' ? `:${entry.outcome.reason}` : ''}`,
  );

/** Email the SES emulator captured for the address. */
export async function mailTo(address: string): Promise<Array<{ subject: string; body: { text?: string } }>> {
  const store = (await (await fetch(`${runtime.emulators.sesEndpoint}/store`)).json()) as {
    emails: Array<{ destination: { to: string[] }; subject: string; body: { text?: string } }>;
  };
  return store.emails.filter((email) => email.destination.to.includes(address));
}

export async function executionsOf(journeyId: string): Promise<ExecutionRecord[]> {
  const all = await runtime.stepFunctions!.listExecutions(machineArn);
  return all.filter((record) => record.name.startsWith(`${journeyId}_`));
}

/** The journey's member item of the user, as the report and stop read it. */
export async function memberItem(journeyId: string, userId: string): Promise<Record<string, unknown> | undefined> {
  const answer = await documents.send(
    new GetCommand({
      TableName: operationsTable,
      Key: { pk: journeyKeys.memberPk(journeyId, journeyKeys.memberShardOf(userId)), sk: userId },
      ConsistentRead: true,
    }),
  );
  return answer.Item;
}

/** What RecordFailure wrote under the user: the task's own error and cause, for a failing test to show. */
export async function failureRecordOf(journeyId: string, userId: string | undefined): Promise<unknown> {
  if (!userId) return 'not one of the treated users';
  const answer = await documents.send(
    new GetCommand({ TableName: usersTable, Key: { pk: `USER#${userId}`, sk: `JOURNEY#${journeyId}#FAILURE` }, ConsistentRead: true }),
  );
  return answer.Item ? { error: answer.Item.error, cause: answer.Item.cause } : 'no FAILURE record';
}

export async function comeBack(userId: string): Promise<void> {
  const at = runtime.clock.now().toISOString();
  const answer = await call(runtime, 'POST', '/v1/events', { body: { events: [{ eventId: `${userId}-back-${at}`, userId, type: 'session', timestamp: at }] } });
  expect(answer.status).toBe(202);
}

/**
 * Asks for a preview that answers with an exact count (202: `exact`, or no audience summary yet)
 * and follows the count workflow until it is done or failed; answers the first answer and the last.
 */
export async function previewByCount(body: Record<string, unknown>): Promise<{ asked: Awaited<ReturnType<typeof call>>; counted: Record<string, unknown> }> {
  const asked = await call(runtime, 'POST', '/v1/journeys/preview', { ...marketer, body });
  expect(asked.status, JSON.stringify(asked.body)).toBe(202);
  for (;;) {
    await runtime.settle();
    const counted = await call(runtime, 'GET', String(asked.body.location), marketer);
    expect(counted.status, JSON.stringify(counted.body)).toBe(200);
    if (counted.body.status !== 'counting') return { asked, counted: counted.body };
  }
}
