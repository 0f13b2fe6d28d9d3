import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../../infra/local/local-runtime';
import { forEachConcurrently } from '../../../shared/adapters/dynamodb/client';
import { DynamoUserStore } from '../../../shared/adapters/dynamodb/user-store';
import { journeyKeys } from '../../../shared/adapters/journeys/journey-keys';
import { DynamoScoreReader } from '../../../shared/adapters/journeys/score-reader';
import { DEFAULT_GLOBAL_CONTROL, isInGlobalControl, RolloutPlan, rolloutStageOf, type RolloutPlanInput } from '../../../shared/domain/experiments';
import { isInHoldout } from '../../../shared/domain/journeys';
import type { HealthAlert } from '../../../shared/domain/health';
import type { MessageLogEntry } from '../../../shared/domain/messaging';
import { call, startTestRuntime, tableNamed, moveToNextNoonUtc } from '../../support/test-runtime';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const marketer = { auth: 'marketer' as const };

let runtime: LocalRuntime;
let documents: DynamoDBDocumentClient;
let operationsTable: string;
let scores: DynamoScoreReader;
let profiles: DynamoUserStore;

beforeAll(async () => {
  // The global control group at its default share: its users must get nothing from these journeys.
  runtime = await startTestRuntime({ globalControlShare: DEFAULT_GLOBAL_CONTROL.share });
  documents = DynamoDBDocumentClient.from(runtime.dynamodb.client);
  const usersTable = tableNamed(runtime, 'UsersTable');
  operationsTable = tableNamed(runtime, 'OperationsTable');
  scores = new DynamoScoreReader(documents, usersTable);
  profiles = new DynamoUserStore(documents, usersTable, 400);
  await moveToNextNoonUtc(runtime);
}, 120_000);
afterAll(async () => {
  await runtime?.stop();
});

async function seedUsers(prefix: string, count: number, clv: number): Promise<string[]> {
  const userIds = Array.from({ length: count }, (_, i) => `${prefix}-${String(i).padStart(4, '0')}`);
  const now = runtime.clock.now().toISOString();
  await profiles.putProfiles(
    userIds.map((userId) => ({
      userId,
      email: `${userId}@example.test`,
      pushToken: `token-${userId}`,
      timezone: 'UTC',
      locale: 'en' as const,
      consents: { email: true, sms: false, push: true },
      attributes: { firstName: 'Ada' },
      createdAt: now,
      updatedAt: now,
    })),
  );
  await forEachConcurrently(userIds, 16, (userId) =>
    scores.putScore({ userId, tier: 'R3', segment: 'At Risk', quadrant: 'Cash Cow', churnRisk: 0.7, clv, daysSilent: 20 }),
  );
  return userIds;
}

/** An A/B test on the first send (email or push) of a two-send journey, rolled out in stages. */
function abDefinition(id: string, rollout: RolloutPlanInput) {
  return {
    id,
    name: `A/B ${id}`,
    tier: 'R3',
    steps: [
      { kind: 'send', channels: ['email'], templateId: 'recall-r1', variants: [{ id: 'email' }, { id: 'push', channels: ['push'] }] },
      { kind: 'wait', days: 3 },
      { kind: 'send', channels: ['email'], templateId: 'recall-r3', offer: { kind: 'coupon', value: 10, unit: 'percent' } },
    ],
    maxDurationDays: 10,
    holdoutShare: 0.1,
    rollout,
  };
}

async function marketingSentTo(userId: string, journeyId: string): Promise<string[]> {
  const answer = await call(runtime, 'GET', `/v1/users/${userId}/messages`);
  return (answer.body.messages as MessageLogEntry[])
    .filter((entry) => entry.source.kind === 'journey' && entry.source.journeyId === journeyId)
    .map((entry) => `${entry.channel}:${entry.outcome.kind}${entry.outcome.kind === 'skipped' ? `:${entry.outcome.reason}` : ''}`)
    .sort();
}

async function rolloutAlerts(journeyId: string): Promise<HealthAlert[]> {
  const answer = await call(runtime, 'GET', '/v1/alerts', marketer);
  return (answer.body.alerts as HealthAlert[]).filter((alert) => alert.subject.kind === 'rollout-halted' && alert.subject.journeyId === journeyId);
}

async function advanceDays(days: number): Promise<void> {
  for (let day = 0; day < days; day++) {
    runtime.clock.advance(DAY);
    await runtime.settle();
  }
}

async function member(journeyId: string, userId: string): Promise<Record<string, unknown> | undefined> {
  const answer = await documents.send(
    new GetCommand({
      TableName: operationsTable,
      Key: { pk: journeyKeys.memberPk(journeyId, journeyKeys.memberShardOf(userId)), sk: userId },
      ConsistentRead: true,
    }),
  );
  return answer.Item;
}

describe('a staged rollout on the local runtime', () => {
  it('contacts the first stage at launch, advances on the clock once its time and sample are met, then contacts the rest; variants recorded, control groups untouched', async () => {
    // Prepare
    const journeyId = 'exp-advance';
    const rollout = {
      stages: [
        { share: 0.3, minHours: 24, minSample: 3 },
        { share: 1, minHours: 0, minSample: 0 },
      ],
    };
    const stages = RolloutPlan.parse(rollout).stages;
    const userIds = await seedUsers('expadv', 80, 301);
    const holdout = userIds.filter((userId) => isInHoldout(journeyId, userId, 0.1));
    const globalControl = userIds.filter((userId) => !holdout.includes(userId) && isInGlobalControl(userId, DEFAULT_GLOBAL_CONTROL));
    const treated = userIds.filter((userId) => !holdout.includes(userId) && !globalControl.includes(userId));
    const firstStage = treated.filter((userId) => rolloutStageOf(journeyId, userId, stages) === 0);
    const laterStage = treated.filter((userId) => rolloutStageOf(journeyId, userId, stages) === 1);

    // Act: launch; half a day later (stage 0 too young); a day after launch (the hourly evaluation advances it)
    const launched = await call(runtime, 'POST', '/v1/journeys', {
      ...marketer,
      body: { definition: abDefinition(journeyId, rollout), audience: { clv: { min: 301, max: 301 } } },
    });
    await runtime.settle();
    runtime.clock.advance(DAY / 2);
    await runtime.settle();
    const halfDay = await call(runtime, 'GET', `/v1/journeys/${journeyId}/report/variants`, marketer);
    const laterBeforeAdvance = await Promise.all(laterStage.map((userId) => marketingSentTo(userId, journeyId)));
    runtime.clock.advance(DAY / 2);
    await runtime.settle();
    const atAdvance = await call(runtime, 'GET', `/v1/journeys/${journeyId}/report/variants`, marketer);
    // The report is as of the last hourly evaluation: the one after the advance counts the later stage too.
    runtime.clock.advance(HOUR);
    await runtime.settle();
    const advanced = await call(runtime, 'GET', `/v1/journeys/${journeyId}/report/variants`, marketer);
    const laterAfterAdvance = await Promise.all(laterStage.map((userId) => marketingSentTo(userId, journeyId)));
    const members = await Promise.all(treated.map((userId) => member(journeyId, userId)));
    const holdoutSends = await Promise.all([...holdout].map((userId) => marketingSentTo(userId, journeyId)));
    const controlSends = await Promise.all(globalControl.map((userId) => marketingSentTo(userId, journeyId)));

    // Assess
    expect(launched.status).toBe(202);
    expect(firstStage.length).toBeGreaterThanOrEqual(3);
    expect(laterStage.length).toBeGreaterThan(0);
    expect(halfDay.body.rollout).toMatchObject({ stage: 0, status: 'expanding' });
    // Only the stage begun is counted, on both sides: the first stage's treated users in the variants.
    const variantUsers = (body: Record<string, unknown>) =>
      Object.values((body.steps as Array<{ variants: Record<string, { users: number }> }>)[0]!.variants).reduce((sum, arm) => sum + arm.users, 0);
    expect(halfDay.body.tallied).toMatchObject({ stage: 0, membersRead: userIds.length });
    expect(variantUsers(halfDay.body)).toBe(firstStage.length);
    expect(atAdvance.body.rollout).toMatchObject({ stage: 1, status: 'complete' });
    expect(advanced.body.tallied).toMatchObject({ stage: 1, membersRead: userIds.length });
    expect(laterBeforeAdvance).toEqual(laterStage.map(() => []));
    expect(advanced.body.rollout).toMatchObject({ stage: 1, status: 'complete' });
    expect((advanced.body.rollout as { history: Array<{ kind: string }> }).history.map((event) => event.kind)).toEqual([
      'stage-started',
      'stage-started',
      'completed',
    ]);
    // Each later-stage user got the first send on the channel of their variant.
    for (const item of members) expect(item?.variants).toEqual({ '1': expect.stringMatching(/^(email|push)$/) });
    const variantOf = new Map(treated.map((userId, index) => [userId, (members[index]!.variants as Record<string, string>)['1']]));
    expect(laterAfterAdvance).toEqual(laterStage.map((userId) => [`${variantOf.get(userId)}:sent`]));
    expect(holdoutSends.flat()).toEqual([]);
    expect(controlSends.every((sends) => sends.every((send) => send.endsWith(':skipped:global-control')))).toBe(true);
    expect(variantUsers(advanced.body)).toBe(treated.length);
    expect((advanced.body.globalControl as { members: { users: number; sent: number } }).members).toMatchObject({ users: globalControl.length, sent: 0 });
  }, 240_000);

  it('halts itself on an unsubscribe spike: the journey is paused, why is recorded, and nobody is contacted after the halt', async () => {
    // Prepare
    const journeyId = 'exp-halt';
    const rollout = {
      stages: [
        { share: 0.4, minHours: 48, minSample: 3 },
        { share: 1, minHours: 0, minSample: 0 },
      ],
      guardrails: { maxUnsubscribeRate: 0.05 },
    };
    const stages = RolloutPlan.parse(rollout).stages;
    const userIds = await seedUsers('exphalt', 60, 302);
    const treated = userIds.filter((userId) => !isInHoldout(journeyId, userId, 0.1) && !isInGlobalControl(userId, DEFAULT_GLOBAL_CONTROL));
    const firstStage = treated.filter((userId) => rolloutStageOf(journeyId, userId, stages) === 0);
    const laterStage = treated.filter((userId) => rolloutStageOf(journeyId, userId, stages) === 1);
    const unsubscribing = firstStage.slice(0, Math.max(2, Math.ceil(firstStage.length * 0.25)));

    // Act: launch, an unsubscribe spike among the first stage's users, the hourly evaluation, then days pass
    await call(runtime, 'POST', '/v1/journeys', {
      ...marketer,
      body: { definition: abDefinition(journeyId, rollout), audience: { clv: { min: 302, max: 302 } } },
    });
    await runtime.settle();
    runtime.clock.advance(3_600_000);
    const at = runtime.clock.now().toISOString();
    const spike = await call(runtime, 'POST', '/v1/events', {
      body: { events: unsubscribing.map((userId) => ({ eventId: `${userId}-unsub`, userId, type: 'unsubscribe', channel: 'email', timestamp: at })) },
    });
    await runtime.settle();
    runtime.clock.advance(3_600_000);
    await runtime.settle();
    const afterHalt = await Promise.all(treated.map((userId) => marketingSentTo(userId, journeyId)));
    const halted = await call(runtime, 'GET', `/v1/journeys/${journeyId}/report/variants`, marketer);
    const journey = await call(runtime, 'GET', `/v1/journeys/${journeyId}`, marketer);
    const alertsAtHalt = await rolloutAlerts(journeyId);
    await advanceDays(5);
    const fiveDaysLater = await Promise.all(treated.map((userId) => marketingSentTo(userId, journeyId)));
    const alertsLater = await rolloutAlerts(journeyId);

    // Assess
    expect(spike.status).toBe(202);
    expect(journey.body.status).toBe('paused');
    expect(journey.body.rollout).toMatchObject({ stage: 0, status: 'halted' });
    const state = halted.body.rollout as { status: string; history: Array<{ kind: string; breaches?: Array<{ guardrail: string }> }> };
    expect(state.status).toBe('halted');
    expect(state.history.at(-1)).toMatchObject({ kind: 'halted', breaches: [{ guardrail: 'unsubscribe-rate' }] });
    // Only the first stage's first send ever left; the later stage was never contacted.
    expect(afterHalt.filter((sends) => sends.length > 0).length).toBe(firstStage.length);
    expect(fiveDaysLater).toEqual(afterHalt);
    // The guardrails and the report read the same tally: the report shows the figures that breached.
    const guardrails = (halted.body.tallied as { guardrails: { contacted: number; unsubscribed: number } }).guardrails;
    expect(guardrails).toMatchObject({ contacted: firstStage.length, unsubscribed: unsubscribing.length });
    // One alert in the health alert list for the halt, however many evaluations ran while halted.
    expect(alertsAtHalt).toEqual([
      expect.objectContaining({ level: 'orange', subject: expect.objectContaining({ kind: 'rollout-halted', journeyId, stage: 0 }) }),
    ]);
    expect(alertsLater).toEqual(alertsAtHalt);
    expect(laterStage.map((userId) => fiveDaysLater[treated.indexOf(userId)])).toEqual(laterStage.map(() => []));
  }, 240_000);
});
