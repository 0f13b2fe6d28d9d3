import { describe, expect, it } from 'vitest';
import { isInHoldout, journeyExecutionName } from '../../../shared/domain/journeys';
import { composeJourneys } from '../../../shared/composition/journeys';
import { call } from '../../support/test-runtime';

import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { journeyKeys } from '../../../shared/adapters/journeys/journey-keys';
import {
  seededRandom,
  scaleEnrollments,
  runtime,
  machineArn,
  useRecallRuntime,
  seedScoredUsers,
  marketer,
  executionsOf,
  previewByCount,
  parkedR3Journey,
  documents,
  usersTable,
} from './recall-fixtures';

useRecallRuntime();

describe('an R3 recall journey on the local runtime', () => {
  it('launches 5,000 users through the launch workflow, resumed after a task fails half-way: every treated user started once, the holdout never', async () => {
    // Prepare: a one-send journey whose send is a day out, so executions just wait on the clock;
    // the enrollment store fails (not retryably) once the launch is half-way, after writing a
    // page's records and before its members are queued or its checkpoint written, failing the
    // workflow; one record of that page is then changed, as a step would (the page done again
    // must find it and leave it as it is, not write it again)
    const journeyId = 'it-launch-resume';
    const count = 5_000;
    const userIds = await seedScoredUsers('resume', count, 110);
    const treated = userIds.filter((userId) => !isInHoldout(journeyId, userId, 0.1));
    const definition = parkedR3Journey(journeyId, 'resume');
    const body = { definition, audience: { clv: { min: 110, max: 110 } } };
    const store = composeJourneys().enrollments;
    const realEnroll = store.enrollOnce.bind(store);
    let enrolledSoFar = 0;
    let failed = false;
    let soleEnrollerPages = 0;
    let pagesReadFirst = 0;
    let cutOffPage: string[] = [];
    store.enrollOnce = async (id, members, nameOf, options) => {
      if (id === journeyId) soleEnrollerPages += options?.soleEnroller ? 1 : 0;
      if (id === journeyId) pagesReadFirst += options?.soleEnroller && !options.firstAttempt ? 1 : 0;
      const outcomes = await realEnroll(id, members, nameOf, options);
      if (id === journeyId) enrolledSoFar += members.length;
      if (id === journeyId && !failed && members.length > 0 && enrolledSoFar >= count / 2) {
        failed = true;
        cutOffPage = members.map((member) => member.userId);
        throw Object.assign(new Error('injected: the enrollment store failed half-way'), { name: 'InjectedLaunchFailure' });
      }
      return outcomes;
    };
    const enrollmentKey = (userId: string) => ({ pk: journeyKeys.userPk(userId), sk: journeyKeys.enrollmentSk(journeyId) });
    const engine = runtime.stepFunctions!;
    const realStart = engine.startExecution.bind(engine);
    const startsByName = new Map<string, number>();
    engine.startExecution = async (request) => {
      if (request.stateMachineArn === machineArn && request.name) startsByName.set(request.name, (startsByName.get(request.name) ?? 0) + 1);
      return realStart(request);
    };

    // Act: launch; the workflow fails half-way; launch again, which resumes from the cursors
    let launched: Awaited<ReturnType<typeof call>>;
    let afterFailure: Awaited<ReturnType<typeof call>>;
    let resumed: Awaited<ReturnType<typeof call>>;
    const answeredInMs: number[] = [];
    try {
      const began = Date.now();
      launched = await call(runtime, 'POST', '/v1/journeys', { ...marketer, body });
      answeredInMs.push(Date.now() - began);
      await runtime.settle();
      afterFailure = await call(runtime, 'GET', `/v1/journeys/${journeyId}`, marketer);
      await documents.send(
        new UpdateCommand({
          TableName: usersTable,
          Key: enrollmentKey(cutOffPage[0]!),
          UpdateExpression: 'SET probe = :kept',
          ExpressionAttributeValues: { ':kept': 'kept' },
        }),
      );
      resumed = await call(runtime, 'POST', '/v1/journeys', { ...marketer, body });
      await runtime.settle();
    } finally {
      store.enrollOnce = realEnroll;
      engine.startExecution = realStart;
    }
    const journey = await call(runtime, 'GET', `/v1/journeys/${journeyId}`, marketer);
    const executions = await executionsOf(journeyId);
    const changedRecord = await documents.send(new GetCommand({ TableName: usersTable, Key: enrollmentKey(cutOffPage[0]!), ConsistentRead: true }));

    // Assess
    expect(launched.status).toBe(202);
    expect(failed).toBe(true);
    expect(afterFailure.body).toMatchObject({ status: 'launching', launchAttempt: 1, launchFailure: { error: 'InjectedLaunchFailure' } });
    expect((afterFailure.body.progress as { enrolled: number }).enrolled).toBeGreaterThan(0);
    expect((afterFailure.body.progress as { enrolled: number }).enrolled).toBeLessThan(count);
    expect(soleEnrollerPages).toBeGreaterThan(0);
    // The pages after a checkpoint found stored (the resumed segments' first pages) read first; the others did not.
    expect(pagesReadFirst).toBeGreaterThan(0);
    expect(pagesReadFirst).toBeLessThan(soleEnrollerPages);
    expect(changedRecord.Item).toMatchObject({ probe: 'kept', enrolledAt: expect.any(String) });
    expect(resumed.status).toBe(200);
    expect(resumed.body).toMatchObject({ relaunch: true, launchAttempt: 2 });
    expect(journey.body).toMatchObject({
      status: 'running',
      launch: { matched: count, enrolled: count, holdout: count - treated.length, queued: treated.length },
    });
    expect(journey.body.progress).toMatchObject({ matched: count, enrolled: count, started: treated.length, selectionDone: true });
    const treatedNames = new Set(treated.map((userId) => journeyExecutionName(journeyId, userId)));
    expect(new Set(executions.map((record) => record.name))).toEqual(treatedNames);
    expect(executions).toHaveLength(treated.length);
    console.info(
      `launch answered in ${answeredInMs[0]} ms; ${[...startsByName.values()].reduce((a, b) => a + b, 0)} StartExecution calls for ${treated.length} treated users`,
    );
  }, 900_000);

  // REKINDLE_SCALE_ENROLLMENTS=100000 (npm run test:scale) runs the full figure; the suite runs 2,000.
  const scaleCount = scaleEnrollments();
  it(
    `starts ${scaleCount.toLocaleString('en')} enrollments under a throttled StartExecution and loses none`,
    async () => {
      // Prepare: a one-send journey whose send is a day out, so executions just wait on the clock;
      // 30% of the recall machine's StartExecution calls are throttled, drawn from a seeded generator
      const journeyId = 'it-scale';
      const count = scaleCount;
      const seedStarted = Date.now();
      const userIds = await seedScoredUsers('scale', count, 104);
      const seedMs = Date.now() - seedStarted;
      // Computed from the members, not from what the launch says it did.
      const treatedNames = new Set(userIds.filter((userId) => !isInHoldout(journeyId, userId, 0.1)).map((userId) => journeyExecutionName(journeyId, userId)));
      const engine = runtime.stepFunctions!;
      const realStart = engine.startExecution.bind(engine);
      const draw = seededRandom(20_260_301);
      let throttled = 0;
      const startsByName = new Map<string, number>();
      engine.startExecution = async (request) => {
        if (request.stateMachineArn === machineArn && draw() < 0.3) {
          throttled += 1;
          throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
        }
        const started = await realStart(request);
        if (request.stateMachineArn === machineArn && request.name) startsByName.set(request.name, (startsByName.get(request.name) ?? 0) + 1);
        return started;
      };
      const definition = parkedR3Journey(journeyId, 'scale');

      // Act (wall-clock phases are measured for the report, nothing waits on them)
      const launchStarted = Date.now();
      const launched = await call(runtime, 'POST', '/v1/journeys', { ...marketer, body: { definition, audience: { clv: { min: 104, max: 104 } } } });
      const launchMs = Date.now() - launchStarted;
      try {
        await runtime.settle();
      } finally {
        engine.startExecution = realStart;
      }
      const startMs = Date.now() - launchStarted - launchMs;
      const executions = await executionsOf(journeyId);
      const journey = await call(runtime, 'GET', `/v1/journeys/${journeyId}`, marketer);

      // Assess
      expect(launched.status).toBe(202);
      expect(journey.body.progress).toMatchObject({ enrolled: count, queued: treatedNames.size, started: treatedNames.size });
      expect(throttled).toBeGreaterThan(count / 10);
      expect(new Set(executions.map((record) => record.name))).toEqual(treatedNames);
      expect([...startsByName.values()].filter((starts) => starts > 1)).toEqual([]);
      console.info(
        `${count} enrolled, ${treatedNames.size} executions started, ${throttled} StartExecution calls throttled; ` +
          `seed ${(seedMs / 1000).toFixed(1)} s, launch API ${launchMs} ms, launch and starts ${(startMs / 1000).toFixed(1)} s`,
      );
    },
    Math.max(300_000, scaleCount * 150),
  );

  // Runs last: once a summary exists, later previews would answer from it.
  it('previews from the audience summary the journeys feature computes from the scores, and by an exact count on request', async () => {
    // Prepare: 40 users alone in the top CLV band; the first exact count's task will fail for good on its first page
    const journeyId = 'it-preview-summary';
    const userIds = await seedScoredUsers('summary', 40, 7_000);
    const holdout = userIds.filter((userId) => isInHoldout(journeyId, userId, 0.1));
    const body = { id: journeyId, defaultTier: 'R3', audience: { tiers: ['R3'], clv: { min: 5_000 } } };
    const scores = composeJourneys().scores;
    const realPage = scores.scoredUsersPage.bind(scores);
    let failures = 0;

    // Act
    const refreshed = await runtime.invoke('JourneysJourneyAudienceSummary', { force: true });
    const began = Date.now();
    const fromSummary = await call(runtime, 'POST', '/v1/journeys/preview', { ...marketer, body });
    const summaryMs = Date.now() - began;
    let failedCount: Awaited<ReturnType<typeof previewByCount>>;
    let exact: Awaited<ReturnType<typeof previewByCount>>;
    scores.scoredUsersPage = async (criteria, page) => {
      if (failures++ === 0) throw Object.assign(new Error('injected: the score scan failed'), { name: 'InjectedCountFailure' });
      return realPage(criteria, page);
    };
    try {
      failedCount = await previewByCount({ ...body, exact: true });
      exact = await previewByCount({ ...body, exact: true });
    } finally {
      scores.scoredUsersPage = realPage;
    }
    const unknown = await call(runtime, 'GET', '/v1/journeys/preview/no-such-count', marketer);

    // Assess
    expect(refreshed).toMatchObject({ kind: 'refreshed' });
    expect(fromSummary.status).toBe(200);
    expect(fromSummary.body).toMatchObject({ source: 'audience-summary', exact: true, matched: 40, reachable: 40, ageHours: 0, transitionsPerTreatedUser: 10 });
    expect(Math.abs(Number(fromSummary.body.holdout) - holdout.length)).toBeLessThanOrEqual(4);
    expect((fromSummary.body.costUsd as { total: number }).total).toBeGreaterThan(0);
    expect(failedCount.asked.headers.get('location')).toBe(failedCount.asked.body.location);
    expect(failedCount.asked.body).toMatchObject({ status: 'counting', reason: 'exact', journeyId, segmentsDone: 0, totalSegments: 8 });
    expect(failedCount.counted).toMatchObject({ status: 'failed', failure: { error: 'InjectedCountFailure' } });
    expect(exact.counted).toMatchObject({ status: 'done', segmentsDone: 8, matchedSoFar: 40 });
    expect(exact.counted.preview).toMatchObject({ source: 'count', exact: true, matched: 40, holdout: holdout.length, treatment: 40 - holdout.length });
    expect(unknown.status).toBe(404);
    console.info(`preview from the audience summary answered in ${summaryMs} ms`);
  });
});
