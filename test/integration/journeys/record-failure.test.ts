import { DeleteCommand, DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../../infra/local/local-runtime';
import type { ExecutionRecord } from '../../../infra/local/step-functions/execution-store';
import { DynamoUserStore } from '../../../shared/adapters/dynamodb/user-store';
import { journeyKeys } from '../../../shared/adapters/journeys/journey-keys';
import { DynamoScoreReader } from '../../../shared/adapters/journeys/score-reader';
import { composeJourneys } from '../../../shared/composition/journeys';
import { isInHoldout, journeyExecutionName } from '../../../shared/domain/journeys';
import { call, startTestRuntime, tableNamed, moveToNextNoonUtc } from '../../support/test-runtime';

/**
 * The recall journey's failure path: CheckExitAndSend's Catch goes to RecordFailure (a direct
 * DynamoDB PutItem), which writes the task's own error and cause under the user, then the
 * execution fails as JourneyStepFailed. Nothing else exercises it: every other journey test
 * asserts that no execution failed.
 */

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const marketer = { auth: 'marketer' as const };

let runtime: LocalRuntime;
let documents: DynamoDBDocumentClient;
let usersTable: string;
let operationsTable: string;
let machineArn: string;

beforeAll(async () => {
  runtime = await startTestRuntime();
  documents = DynamoDBDocumentClient.from(runtime.dynamodb.client);
  usersTable = tableNamed(runtime, 'UsersTable');
  operationsTable = tableNamed(runtime, 'OperationsTable');
  machineArn = runtime.stateMachineArn('JourneysRecallJourneyStateMachine');
  await moveToNextNoonUtc(runtime);
}, 240_000);
afterAll(async () => {
  await runtime?.stop();
});

/** One scored, reachable R3 user (not in the journey's holdout) whose CLV lets an audience pick exactly them. */
async function treatedUser(prefix: string, journeyId: string, clv: number): Promise<string> {
  const userId = ['a', 'b', 'c', 'd', 'e', 'f'].map((suffix) => `${prefix}-${suffix}`).find((id) => !isInHoldout(journeyId, id, 0.1))!;
  const now = runtime.clock.now().toISOString();
  await new DynamoUserStore(documents, usersTable, 400).putProfiles([
    {
      userId,
      email: `${userId}@example.test`,
      timezone: 'UTC',
      locale: 'en',
      consents: { email: true, sms: false, push: false },
      attributes: { firstName: 'Ada' },
      createdAt: now,
      updatedAt: now,
    },
  ]);
  await new DynamoScoreReader(documents, usersTable).putScore({
    userId,
    tier: 'R3',
    segment: 'At Risk',
    quadrant: 'Cash Cow',
    churnRisk: 0.7,
    clv,
    daysSilent: 20,
  });
  return userId;
}

/** A journey of one wait and one email, launched on the audience of that CLV; answers its execution name. */
async function launchWaitThenEmail(journeyId: string, userId: string, clv: number): Promise<string> {
  const definition = {
    id: journeyId,
    name: journeyId,
    tier: 'R3',
    steps: [
      { kind: 'wait', days: 1 },
      { kind: 'send', channels: ['email'], templateId: 'recall-r3', offer: { kind: 'coupon', value: 15, unit: 'percent' } },
    ],
    maxDurationDays: 5,
  };
  const launched = await call(runtime, 'POST', '/v1/journeys', { ...marketer, body: { definition, audience: { clv: { min: clv, max: clv } } } });
  expect(launched.status).toBe(202);
  await runtime.settle();
  return journeyExecutionName(journeyId, userId);
}

async function executionNamed(name: string): Promise<ExecutionRecord | undefined> {
  return (await runtime.stepFunctions!.listExecutions(machineArn)).find((record) => record.name === name);
}

async function failureRecordOf(journeyId: string, userId: string): Promise<Record<string, unknown> | undefined> {
  const answer = await documents.send(
    new GetCommand({ TableName: usersTable, Key: { pk: journeyKeys.userPk(userId), sk: journeyKeys.failureSk(journeyId) }, ConsistentRead: true }),
  );
  return answer.Item;
}

describe('a recall journey step that fails', () => {
  it('records the task’s error under the user and fails the execution when the journey is gone', async () => {
    // Prepare: an enrolled user waiting a day for the send, then the journey's state item deleted
    const journeyId = 'it-failure-gone';
    const userId = await treatedUser('gone', journeyId, 201);
    const name = await launchWaitThenEmail(journeyId, userId, 201);
    const waiting = await executionNamed(name);
    await documents.send(new DeleteCommand({ TableName: operationsTable, Key: journeyKeys.stateKey(journeyId) }));

    // Act
    runtime.clock.advance(DAY);
    await runtime.settle();
    const execution = await runtime.stepFunctions!.waitForExecution(waiting!.executionArn);

    // Assess: not retried (a missing journey stays missing), caught, recorded, failed by name
    expect(waiting?.status).toBe('RUNNING');
    expect(execution).toMatchObject({ status: 'FAILED', error: 'JourneyStepFailed' });
    expect(await failureRecordOf(journeyId, userId)).toMatchObject({
      journeyId,
      error: 'JourneyNotFound',
      cause: expect.stringContaining(`no journey ${journeyId}`),
    });
    expect(execution.retries).toBe(0);
    expect((await call(runtime, 'GET', `/v1/users/${userId}/messages`)).body.messages).toEqual([]);
  }, 240_000);

  it('retries a transient failure with backoff on the clock, then records it and fails the execution', async () => {
    // Prepare: the journey's sender meets a throttled store on every call
    const journeyId = 'it-failure-transient';
    const userId = await treatedUser('transient', journeyId, 202);
    const name = await launchWaitThenEmail(journeyId, userId, 202);
    const sender = composeJourneys().sender;
    const realSendStep = sender.sendStep.bind(sender);
    let attempts = 0;
    sender.sendStep = (send) => {
      if (send.userId !== userId) return realSendStep(send);
      attempts += 1;
      return Promise.reject(
        Object.assign(new Error('injected: Rate of requests exceeds the allowed throughput'), {
          name: 'ThrottlingException',
          $metadata: { httpStatusCode: 400 },
        }),
      );
    };

    // Act: the day's wait, then the retry pauses (5 s × 3^n with full jitter, at most 10 min each)
    let execution: ExecutionRecord | undefined;
    try {
      runtime.clock.advance(DAY);
      await runtime.settle();
      for (let minute = 0; minute < 60 && (await executionNamed(name))?.status === 'RUNNING'; minute++) {
        runtime.clock.advance(60_000);
        await runtime.settle();
      }
      execution = await executionNamed(name);
    } finally {
      sender.sendStep = realSendStep;
    }

    // Assess: the first attempt and its four retries, then the Catch
    expect(attempts).toBe(5);
    expect(execution).toMatchObject({ status: 'FAILED', error: 'JourneyStepFailed', retries: 4 });
    expect(await failureRecordOf(journeyId, userId)).toMatchObject({
      journeyId,
      error: 'TransientDependencyError',
      cause: expect.stringContaining('ThrottlingException'),
    });
  }, 300_000);
});
