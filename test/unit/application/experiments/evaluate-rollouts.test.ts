import { describe, expect, it } from 'vitest';
import { reportExperiment } from '../../../../shared/application/experiments/report-experiment';
import { DEFAULT_GLOBAL_CONTROL, experimentAssignment } from '../../../../shared/domain/experiments';
import { parseJourneyDefinition, type JourneyMember, type StoredJourney } from '../../../../shared/domain/journeys';
import { runRolloutWorkflow } from '../../../support/experiment-workflow';
import {
  FakeContactFeedback,
  InMemoryExperimentSnapshots,
  InMemoryMemberPages,
  InMemoryRolloutStateStore,
  RecordingRolloutAlerts,
} from '../../../support/fakes/experiment-ports';
import { fakeJourneyPorts } from '../../../support/fakes/journey-ports';

const LAUNCH = '2026-03-02T09:00:00.000Z';
const HOUR = 3_600_000;

function world() {
  const journeyPorts = fakeJourneyPorts(new Date(LAUNCH));
  const ports = {
    ...journeyPorts,
    members: new InMemoryMemberPages(journeyPorts.journeys),
    rollouts: new InMemoryRolloutStateStore(),
    snapshots: new InMemoryExperimentSnapshots(),
    feedback: new FakeContactFeedback(),
    alerts: new RecordingRolloutAlerts(),
    globalControl: { ...DEFAULT_GLOBAL_CONTROL, share: 0 },
    pageSizes: { tally: 150, queue: 300 },
  };
  return { ports, clock: journeyPorts.clock };
}

/** A launched journey rolled out in two stages, with 40 treated members enrolled at launch, each first-stage member contacted. */
async function launched(ports: ReturnType<typeof world>['ports']) {
  const definition = parseJourneyDefinition({
    id: 'rollout-unit',
    name: 'Rollout',
    tier: 'R3',
    steps: [{ kind: 'send', channels: ['email'], templateId: 'recall-r1' }],
    maxDurationDays: 10,
    holdoutShare: 0,
    rollout: {
      stages: [
        { share: 0.5, minHours: 24, minSample: 2 },
        { share: 1, minHours: 0, minSample: 0 },
      ],
    },
  });
  const journey: StoredJourney = { journeyId: definition.id, definition, audience: {}, status: 'running', launchedAt: LAUNCH, updatedAt: LAUNCH };
  await ports.journeys.create(journey);
  const members: JourneyMember[] = Array.from({ length: 40 }, (_, index) => {
    const userId = `ru-${index}`;
    return { userId, tier: 'R3', holdout: false, enrolledAt: LAUNCH, ...experimentAssignment(definition, userId, false) };
  });
  await ports.enrollments.enrollOnce(definition.id, members);
  const first = members.filter((member) => member.rolloutStage === 0);
  for (const member of first) {
    await ports.enrollments.putStep(definition.id, member.userId, {
      kind: 'send',
      stepIndex: 0,
      templateId: 'recall-r1',
      at: LAUNCH,
      channels: { email: { kind: 'sent', messageId: `m-${member.userId}` } },
    });
  }
  return { journey, first, later: members.filter((member) => member.rolloutStage === 1) };
}

describe('the rollout workflow tasks', () => {
  it('advances after the minimum time and queues exactly the members the new stage admits', async () => {
    // Prepare
    const { ports, clock } = world();
    const { later } = await launched(ports);
    // Act
    clock.advance(23 * HOUR);
    const early = await runRolloutWorkflow(ports);
    clock.advance(HOUR);
    const due = await runRolloutWorkflow(ports);
    // Assess
    expect(early).toMatchObject([{ stage: 0, decision: 'wait', queued: 0 }]);
    expect(due).toMatchObject([{ stage: 1, decision: 'advance', queued: later.length }]);
    expect(ports.rollouts.states.get('rollout-unit')).toMatchObject({ stage: 1, status: 'complete' });
    expect(ports.queue.messages.map((message) => message.userId).sort()).toEqual(later.map((member) => member.userId).sort());
  });

  it('halts on a complaint spike: pauses the journey, records the breach, alerts once; a person resuming accepts it and the rollout goes on', async () => {
    // Prepare
    const { ports, clock } = world();
    const { journey, first } = await launched(ports);
    ports.feedback.byUser.set(first[0]!.userId, { unsubscribed: false, complained: true, bounced: false });
    // Act
    clock.advance(HOUR);
    const halted = await runRolloutWorkflow(ports);
    const whileHalted = await runRolloutWorkflow(ports);
    const status = (await ports.journeys.get(journey.journeyId))!.status;
    const queuedWhileHalted = ports.queue.messages.length;
    await ports.journeys.transition(journey.journeyId, 'paused', 'running', clock.now());
    clock.advance(24 * HOUR);
    const resumed = await runRolloutWorkflow(ports);
    // Assess
    expect(halted).toMatchObject([{ stage: 0, decision: 'halt' }]);
    expect(status).toBe('paused');
    // While halted nothing is decided: the report's tally is fresh, so nothing is read either.
    expect(whileHalted).toEqual([]);
    expect(ports.alerts.raised).toHaveLength(1);
    expect(ports.alerts.raised[0]!.breaches).toMatchObject([{ guardrail: 'complaint-rate' }]);
    expect(queuedWhileHalted).toBe(0);
    expect(resumed).toMatchObject([{ stage: 1, decision: 'advance' }]);
    const history = ports.rollouts.states.get(journey.journeyId)!.history.map((event) => event.kind);
    expect(history).toEqual(['stage-started', 'halted', 'resumed', 'stage-started', 'completed']);
  });

  it('queues a member enrolled later into a stage already begun, once', async () => {
    // Prepare
    const { ports, clock } = world();
    const { journey } = await launched(ports);
    clock.advance(24 * HOUR);
    await runRolloutWorkflow(ports);
    const queuedAtAdvance = ports.queue.messages.length;
    clock.advance(HOUR);
    const lateId = Array.from({ length: 50 }, (_, index) => `late-${index}`).find(
      (userId) => experimentAssignment(journey.definition, userId, false).rolloutStage === 1,
    )!;
    await ports.enrollments.enrollOnce(journey.journeyId, [
      { userId: lateId, tier: 'R3', holdout: false, enrolledAt: clock.now().toISOString(), ...experimentAssignment(journey.definition, lateId, false) },
    ]);
    // Act
    clock.advance(HOUR);
    await runRolloutWorkflow(ports);
    clock.advance(HOUR);
    await runRolloutWorkflow(ports);
    // Assess
    expect(ports.queue.messages.slice(queuedAtAdvance).map((message) => message.userId)).toEqual([lateId]);
  });

  it('reads the members a page at a time, never more than a page in one task, and the report shows the tally the guardrails read', async () => {
    // Prepare: 1,200 members over three shards, more than a page each
    const { ports, clock } = world();
    const { journey } = await launched(ports);
    const extra: JourneyMember[] = Array.from({ length: 1_160 }, (_, index) => {
      const userId = `rp-${index}`;
      return { userId, tier: 'R3', holdout: false, enrolledAt: LAUNCH, ...experimentAssignment(journey.definition, userId, false) };
    });
    await ports.enrollments.enrollOnce(journey.journeyId, extra);
    const pages: Array<{ limit: number; read: number }> = [];
    const page = ports.members.page.bind(ports.members);
    ports.members.page = async (journeyId, shard, cursor, limit) => {
      const answer = await page(journeyId, shard, cursor, limit);
      pages.push({ limit, read: answer.members.length });
      return answer;
    };
    // Act
    clock.advance(HOUR);
    const [evaluation] = await runRolloutWorkflow(ports);
    const report = await reportExperiment(journey.journeyId, ports);
    // Assess
    expect(evaluation).toMatchObject({ decision: 'wait', stage: 0 });
    expect(evaluation!.pages).toBeGreaterThan(ports.members.shards);
    const tallyPages = pages.filter((entry) => entry.limit === ports.pageSizes.tally);
    expect(pages.every((entry) => entry.read <= entry.limit)).toBe(true);
    expect(tallyPages.length).toBe(evaluation!.pages);
    expect(tallyPages.reduce((sum, entry) => sum + entry.read, 0)).toBe(1_200);
    expect(report.tallied).toMatchObject({ stage: 0, membersRead: 1_200, guardrails: { contacted: 20 } });
    const members = await ports.journeys.listMembers(journey.journeyId);
    expect(report.stages.map((stage) => stage.treated.users)).toEqual([members.filter((member) => member.rolloutStage === 0).length]);
  });
});
