import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../../infra/local/local-runtime';
import { seedPopulation } from '../../../infra/local/seed-population';
import { DynamoUserStore } from '../../../shared/adapters/dynamodb/user-store';
import { daysBetween, isActiveDay } from '../../../shared/domain/events/daily-activity';
import { isInHoldout, journeyExecutionName } from '../../../shared/domain/journeys';
import { RunSummary, StoredScore } from '../../../shared/domain/scoring-run';
import { call, startTestRuntime, tableNamed } from '../../support/test-runtime';

const USERS = 500;
const DAY = 86_400_000;
/**
 * The instant the seeded history ends at, and the clock's start: the population depends on it (its
 * last day is cut there, its last two days are stored raw), so it is pinned and every run scores
 * the same data. On this population the first night's sample cannot be fitted and the night keeps
 * the default parameters; with the clock's own time instead, this file once scored a population
 * whose re-run refitted from the defaults and rewrote 377 scores.
 */
const SEEDED_UNTIL = new Date('2026-12-03T12:47:00Z');

let runtime: LocalRuntime;
let documents: DynamoDBDocumentClient;
let usersTable: string;

const machineArn = () => runtime.stateMachineArn('ScoringNightlyScoringStateMachine');
const executionArnOf = (runId: string) => `${machineArn().replace(':stateMachine:', ':execution:')}:${runId}`;

/** Starts a run over the API, waits for its execution and reads the summary back over the API. */
async function scoreOverApi(body: Record<string, unknown>) {
  const started = await call(runtime, 'POST', '/v1/scoring/runs', { body, auth: 'marketer' });
  expect(started.status).toBe(202);
  const runId = String(started.body.runId);
  const execution = await runtime.stepFunctions!.waitForExecution(executionArnOf(runId));
  if (execution.status !== 'SUCCEEDED') throw new Error(`run ${runId} ${execution.status}: ${execution.error} ${execution.cause}`);
  await runtime.settle();
  const run = await call(runtime, 'GET', `/v1/scoring/runs/${runId}`);
  return { runId, execution, run, summary: RunSummary.parse(run.body.summary) };
}

async function storedScores(): Promise<StoredScore[]> {
  const scores: StoredScore[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await documents.send(
      new ScanCommand({ TableName: usersTable, FilterExpression: 'sk = :sk', ExpressionAttributeValues: { ':sk': 'SCORE' }, ExclusiveStartKey: startKey }),
    );
    for (const item of page.Items ?? []) scores.push(StoredScore.parse(item));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return scores;
}

/** Users enrolled in the journey, from their own ENROLLMENT items. */
async function enrolledIn(journeyId: string): Promise<string[]> {
  const users: string[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await documents.send(
      new ScanCommand({
        TableName: usersTable,
        FilterExpression: 'sk = :sk',
        ExpressionAttributeValues: { ':sk': `JOURNEY#${journeyId}#ENROLLMENT` },
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of page.Items ?? []) users.push(String(item.pk).replace(/^USER#/, ''));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return users.sort();
}

/** An automatic R4 journey (one wait, one email) whose own audience matches nobody: only TierChanged enrolls in it. */
const AUTOMATIC_R4 = 'it-auto-r4';
let automaticLaunch: { status: number; enrolledBeforeScoring: string[] };
/** The first night's summary. */
let firstNight: RunSummary | undefined;

const sum = (counts: Record<string, number>) => Object.values(counts).reduce((total, count) => total + count, 0);

let runDate: string;

beforeAll(async () => {
  runtime = await startTestRuntime({ clockStartsAt: SEEDED_UNTIL });
  documents = DynamoDBDocumentClient.from(runtime.dynamodb.client);
  usersTable = tableNamed(runtime, 'UsersTable');
  await seedPopulation(
    documents,
    { users: usersTable, events: tableNamed(runtime, 'EventsTable'), operations: tableNamed(runtime, 'OperationsTable') },
    { users: USERS, days: 180, seed: 11, endDate: SEEDED_UNTIL },
  );
  await runtime.settle();
  runDate = runtime.clock.now().toISOString().slice(0, 10);
  const definition = {
    id: AUTOMATIC_R4,
    name: 'automatic R4',
    tier: 'R4',
    automatic: true,
    steps: [
      { kind: 'wait', days: 1 },
      { kind: 'send', channels: ['email'], templateId: 'recall-r4', offer: { kind: 'coupon', value: 25, unit: 'percent' } },
    ],
    maxDurationDays: 5,
  };
  const launched = await call(runtime, 'POST', '/v1/journeys', { body: { definition, audience: { clv: { min: 999_999 } } }, auth: 'marketer' });
  await runtime.settle();
  automaticLaunch = { status: launched.status, enrolledBeforeScoring: await enrolledIn(AUTOMATIC_R4) };
}, 300_000);
afterAll(async () => {
  await runtime?.stop();
});

// Each test runs the whole workflow over 500 users (and waits for recall to settle): on a busy
// 2-core machine with other files beside it that came within a second of the default 60 s.
// The timeout only guards against a hang; nothing here asserts a speed.
describe('the nightly scoring workflow on the local runtime', { timeout: 180_000 }, () => {
  it('scores every seeded user once, writes each score, and counts add up', async () => {
    // Act
    const { runId, execution, run, summary } = await scoreOverApi({ date: runDate });
    firstNight = summary;

    // Assess
    expect(execution.status).toBe('SUCCEEDED');
    expect(runId).toBe(`scoring-${runDate}`);
    expect(run.body).toMatchObject({ status: 'SUCCEEDED', date: runDate, progress: { segmentsDone: 8, usersScored: USERS } });
    expect(summary.totals.usersScored).toBe(USERS);
    expect(sum(summary.totals.tiers)).toBe(USERS);
    expect(sum(summary.totals.segments)).toBe(USERS);
    expect(sum(summary.totals.quadrants)).toBe(USERS);
    expect(summary.totals.itemsWritten).toBe(USERS);
    expect(summary.totals.readUnits).toBeGreaterThan(0);
    expect(summary.totals.writeUnits).toBeGreaterThanOrEqual(USERS);
    expect(summary.stateTransitions).toBe(execution.stateTransitions);
    const scores = await storedScores();
    expect(scores.length).toBe(USERS);
    const shown = await call(runtime, 'GET', `/v1/users/${scores[0]!.userId}`);
    expect(shown.body.score).toMatchObject({ userId: scores[0]!.userId, tier: scores[0]!.tier, segment: scores[0]!.segment, churnRisk: scores[0]!.churnRisk });
  });

  it('puts users silent 14–29 days in R3, 30–89 in R4, 90+ in R5 (half the days for high-value users)', async () => {
    // Prepare
    const store = new DynamoUserStore(documents, usersTable, 400);
    const scores = await storedScores();

    // Act
    const checked = await Promise.all(
      scores.map(async (score) => {
        const days = (await store.listForUser(score.userId)).filter((day) => day.day <= runDate && isActiveDay(day));
        const last = days.at(-1)?.day;
        return { score, silent: last ? daysBetween(last, runDate) : null };
      }),
    );

    // Assess
    const factor = (highValue: boolean) => (highValue ? 0.5 : 1);
    const expectedTier = (silent: number, highValue: boolean) => {
      const f = factor(highValue);
      if (silent >= 90 * f) return 'R5';
      if (silent >= 30 * f) return 'R4';
      if (silent >= 14 * f) return 'R3';
      if (silent >= 7 * f) return 'R2';
      return null;
    };
    const silentUsers = checked.filter((entry) => entry.silent !== null && expectedTier(entry.silent, entry.score.highValue) !== null);
    expect(silentUsers.length).toBeGreaterThan(50);
    for (const { score, silent } of silentUsers)
      expect({ userId: score.userId, tier: score.tier }).toEqual({ userId: score.userId, tier: expectedTier(silent!, score.highValue) });
    const r3 = checked.filter((entry) => !entry.score.highValue && entry.silent !== null && entry.silent >= 14 && entry.silent <= 29);
    expect(r3.length).toBeGreaterThan(0);
    expect(r3.every((entry) => entry.score.tier === 'R3')).toBe(true);
  });

  it('changes nothing on a re-run of the same date, even when segments resume across invocations', async () => {
    // Prepare
    const before = await storedScores();

    // Act
    const { runId, execution, summary } = await scoreOverApi({ date: runDate, maxUsersPerInvocation: 20 });

    // Assess
    expect(runId).toBe(`scoring-${runDate}-r2`);
    expect(execution.status).toBe('SUCCEEDED');
    expect(summary.totals.usersScored).toBe(USERS);
    expect(summary.totals.invocations).toBeGreaterThan(summary.totalSegments);
    expect(summary.totals.itemsWritten).toBe(0);
    expect(summary.totals.writeUnits).toBe(0);
    expect(summary.totals.tierChanges).toBe(0);
    expect(summary.refitted).toBe(false);
    expect(summary.stateTransitions).toBe(execution.stateTransitions);
    expect(await storedScores()).toEqual(before);
  });

  it('copies each profile’s locale and consents into its score; a consent change since rewrites only that score, dates kept, with no TierChanged', async () => {
    // Prepare
    const store = new DynamoUserStore(documents, usersTable, 400);
    const before = await storedScores();
    for (const score of before.slice(0, 40)) {
      const profile = await store.getProfile(score.userId);
      expect(score.reach).toEqual({ locale: profile!.locale, consents: profile!.consents });
    }
    const changed = before[7]!;
    const consents = { ...changed.reach!.consents, sms: !changed.reach!.consents.sms };
    const updated = await call(runtime, 'PUT', `/v1/users/${changed.userId}`, { body: { consents } });
    expect(updated.status).toBe(200);

    // Act
    const { summary } = await scoreOverApi({ date: runDate });

    // Assess
    expect(summary.totals.itemsWritten).toBe(1);
    expect(summary.totals.tierChanges).toBe(0);
    const after = await storedScores();
    expect(after.find((score) => score.userId === changed.userId)).toEqual({ ...changed, reach: { ...changed.reach!, consents } });
    expect(after.filter((score) => score.userId !== changed.userId)).toEqual(before.filter((score) => score.userId !== changed.userId));
  });

  it('enrolls every user the night moved into R4 in the running automatic R4 journey (TierChanged), starts the treated ones once, and nobody else', async () => {
    // Prepare: the first night (a first score in a recall tier is a TierChanged) and its re-run above

    // Act
    const movedToR4 = (await storedScores())
      .filter((score) => score.tier === 'R4')
      .map((score) => score.userId)
      .sort();
    const enrolled = await enrolledIn(AUTOMATIC_R4);
    const executions = (await runtime.stepFunctions!.listExecutions(runtime.stateMachineArn('JourneysRecallJourneyStateMachine'))).filter((record) =>
      record.name.startsWith(`${AUTOMATIC_R4}_`),
    );

    // Assess: the re-run changed no tier, so it enrolled and started nobody again
    expect(automaticLaunch).toEqual({ status: 202, enrolledBeforeScoring: [] });
    expect(movedToR4.length).toBeGreaterThan(10);
    expect(firstNight!.totals.tierChanges).toBeGreaterThanOrEqual(movedToR4.length);
    expect(enrolled).toEqual(movedToR4);
    const treated = movedToR4.filter((userId) => !isInHoldout(AUTOMATIC_R4, userId, 0.1));
    expect(treated.length).toBeGreaterThan(0);
    expect(executions.map((record) => record.name).sort()).toEqual(treated.map((userId) => journeyExecutionName(AUTOMATIC_R4, userId)).sort());
    expect(executions.every((record) => record.status === 'RUNNING')).toBe(true);
    expect(runtime.streamFailures).toEqual([]);
  });

  it('shows the latest distribution on GET /v1/tiers', async () => {
    // Act
    const tiers = await call(runtime, 'GET', '/v1/tiers');

    // Assess
    expect(tiers.status).toBe(200);
    expect(tiers.body).toMatchObject({ date: runDate, users: USERS });
    expect(sum(tiers.body.tiers as Record<string, number>)).toBe(USERS);
  });

  it('runs from the schedule at 02:00 Asia/Shanghai on the virtual clock', async () => {
    // Prepare
    const before = (await runtime.stepFunctions!.listExecutions(machineArn())).length;

    // Act
    runtime.clock.advance(DAY);
    await runtime.settle();
    const executions = await runtime.stepFunctions!.listExecutions(machineArn());
    const scheduled = await runtime.stepFunctions!.waitForExecution(executions[0]!.executionArn);

    // Assess
    expect(executions.length).toBe(before + 1);
    expect(scheduled.status).toBe('SUCCEEDED');
    const summary = RunSummary.parse(JSON.parse(scheduled.output!));
    expect(JSON.parse(scheduled.input)).toMatchObject({ date: expect.stringMatching(/T18:00:00Z$/) });
    expect(summary.totals.usersScored).toBe(USERS);
  });
});
