/**
 * The hourly evaluation of experiments, as the steps of the rollout workflow
 * (workflows/experiment-rollout.ts) run it, each bounded whatever the population:
 *
 *   planEvaluations → per journey: tallyMemberPage (per shard, page after page) → decideEvaluation
 *   → (advance or wait) queueMemberPage (per shard, page after page) → commitRollout
 *
 * The tally of all pages is stored as the journey's snapshot, which the variants report reads, so
 * the guardrails and the report never disagree.
 */
import { z } from 'zod';
import { assertNever, utcDayOf, type Clock } from '../../domain/common';
import {
  applyRolloutDecision,
  countMember,
  decideRollout,
  emptyTally,
  ExperimentTally,
  hasExperiment,
  isCounted,
  armOf,
  mergeTallies,
  observationOf,
  resumeRollout,
  RolloutState,
  startRollout,
  type ContactFeedbackReader,
  type ExperimentSnapshotStore,
  type GlobalControlConfig,
  type MemberPages,
  type MemberReading,
  type RolloutAlerts,
  type RolloutDecision,
  type RolloutStateStore,
} from '../../domain/experiments';
import {
  JourneyNotFound,
  outcomeOf,
  reportHistoryStart,
  type ActivityReader,
  type EnrollmentMessage,
  type EnrollmentStore,
  type JourneyStore,
  type LaunchQueue,
  type StoredJourney,
} from '../../domain/journeys';
import { forEachConcurrently } from '../journeys/for-each-concurrently';

export interface RolloutPorts {
  clock: Clock;
  journeys: Pick<JourneyStore, 'get' | 'list' | 'transition'>;
  members: MemberPages;
  enrollments: Pick<EnrollmentStore, 'recordsOf'>;
  activity: ActivityReader;
  feedback: ContactFeedbackReader;
  rollouts: RolloutStateStore;
  snapshots: ExperimentSnapshotStore;
  queue: LaunchQueue;
  alerts: RolloutAlerts;
  globalControl: GlobalControlConfig;
  /**
   * Members read per task invocation: a tally page (only those of the stages begun are read
   * further, about four reads each: 1,000 take a few seconds at 16 at once), a queue page (the
   * member items alone).
   */
  pageSizes: { tally: number; queue: number };
}

/** A journey whose rollout is not expanding is tallied again (for its report) this often: the daily peek the statistics allow. */
export const REPORT_REFRESH_HOURS = 24;
/** Outcomes (30-day reactivation) keep changing this long after a journey's last possible step. */
const OUTCOME_DAYS = 31;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** One journey the workflow evaluates: the stage its tally counts up to, whether a rollout decision follows. */
export const PlannedEvaluation = z.object({
  journeyId: z.string().min(1),
  stage: z.number().int().min(0).nullable(),
  /** The members are read and the tally stored (a rollout expanding, or the report's tally stale). */
  tally: z.boolean(),
  /** A rollout decision follows (expanding: guardrails and stages; complete: members enrolled since are queued). */
  decide: z.boolean(),
  /** The rollout's history length when planned: a decision is written only if nothing moved it since. */
  expectedHistory: z.number().int().min(0),
});
export type PlannedEvaluation = z.infer<typeof PlannedEvaluation>;

/**
 * Which journeys to evaluate now. A journey with experiments is tallied while its outcomes can
 * still change: one whose rollout is expanding every hour (its guardrails read the tally), the
 * others when their stage moved or every {@link REPORT_REFRESH_HOURS} (for the report). An active
 * rollout, expanding or complete, is decided every hour (a complete one queues the members
 * enrolled since into a stage begun). A halted rollout whose
 * journey a person resumed is resumed here (that stage's breaches accepted); a halted one still
 * paused has its alert raised again if it was lost (raising is idempotent).
 */
export async function planEvaluations(ports: Pick<RolloutPorts, 'clock' | 'journeys' | 'rollouts' | 'snapshots' | 'alerts' | 'members'>): Promise<{
  evaluations: PlannedEvaluation[];
  shards: number[];
}> {
  const now = ports.clock.now();
  const evaluations: PlannedEvaluation[] = [];
  for (const journey of await ports.journeys.list()) {
    const { definition } = journey;
    if (!hasExperiment(definition) || journey.status === 'draft') continue;
    if (Date.parse(journey.launchedAt) + (definition.maxDurationDays + OUTCOME_DAYS) * DAY < now.getTime()) continue;
    let stage: number | null = null;
    let decide = false;
    let expanding = false;
    let expectedHistory = 0;
    const plan = definition.rollout;
    if (plan !== undefined) {
      const stored = await ports.rollouts.get(journey.journeyId);
      let state = stored ?? startRollout(journey.journeyId, plan, new Date(journey.launchedAt));
      expectedHistory = stored?.history.length ?? 0;
      const active = journey.status === 'launching' || journey.status === 'running' || journey.status === 'paused';
      if (active && state.status === 'halted' && journey.status !== 'paused') {
        const resumed = resumeRollout(state, now);
        if (!(await ports.rollouts.save(resumed, expectedHistory))) continue;
        [state, expectedHistory] = [resumed, resumed.history.length];
      } else if (!stored && journey.status === 'paused') {
        if (!(await ports.rollouts.save(state, 0))) continue;
        expectedHistory = state.history.length;
      }
      if (state.status === 'halted' && journey.status === 'paused') {
        const halt = state.history.findLast((event) => event.kind === 'halted');
        if (halt?.kind === 'halted') await ports.alerts.halted({ journeyId: journey.journeyId, stage: halt.stage, at: halt.at, breaches: halt.breaches });
      }
      stage = state.stage;
      decide = journey.status !== 'paused' && active && state.status !== 'halted';
      expanding = decide && state.status === 'expanding';
    }
    let tally = expanding;
    if (!tally) {
      const snapshot = await ports.snapshots.latest(journey.journeyId);
      tally = snapshot === undefined || snapshot.tally.stage !== stage || now.getTime() - Date.parse(snapshot.asOf) >= REPORT_REFRESH_HOURS * HOUR;
    }
    if (tally || decide) evaluations.push({ journeyId: journey.journeyId, stage, tally, decide, expectedHistory });
  }
  return { evaluations, shards: [...Array(ports.members.shards).keys()] };
}

async function journeyOf(journeyId: string, ports: Pick<RolloutPorts, 'journeys'>): Promise<StoredJourney> {
  const journey = await ports.journeys.get(journeyId);
  if (!journey) throw new JourneyNotFound(journeyId);
  return journey;
}

/**
 * One page of one shard's members added to the running tally. Only members of the stages begun
 * are read further (their records, activity and, when contacted, their suppression-list feedback).
 */
export async function tallyMemberPage(
  request: { journeyId: string; stage: number | null; shard: number; cursor?: string | undefined; tally?: ExperimentTally | undefined },
  ports: Pick<RolloutPorts, 'journeys' | 'members' | 'enrollments' | 'activity' | 'feedback' | 'globalControl' | 'pageSizes'>,
): Promise<{ cursor: string | undefined; tally: ExperimentTally }> {
  const { definition } = await journeyOf(request.journeyId, ports);
  let tally = request.tally ?? emptyTally(definition, request.stage);
  const page = await ports.members.page(request.journeyId, request.shard, request.cursor, ports.pageSizes.tally);
  const counted = page.members.filter((member) => isCounted(definition, tally, member));
  const records = await ports.enrollments.recordsOf(
    request.journeyId,
    counted.map((member) => member.userId),
  );
  const readings = new Map<string, MemberReading>();
  await forEachConcurrently(counted, 16, async (member) => {
    const days = await ports.activity.activitySince(member.userId, reportHistoryStart(member));
    const outcome = outcomeOf(member, records.get(member.userId) ?? { steps: [] }, days);
    const unsubscribedByEvent = days.some(
      (day) => day.day >= utcDayOf(member.enrolledAt) && day.unsubscribes > 0 && Date.parse(day.lastEventAt) > Date.parse(member.enrolledAt),
    );
    const feedback =
      outcome.contacted && armOf(member, ports.globalControl) === 'treated'
        ? await ports.feedback.feedbackSince(member.userId, new Date(member.enrolledAt))
        : undefined;
    readings.set(member.userId, { member, outcome, unsubscribedByEvent, feedback });
  });
  for (const member of page.members) {
    const reading = readings.get(member.userId);
    // A member of a stage not begun counts as read only: no outcome is needed.
    tally = reading ? countMember(tally, definition, ports.globalControl, reading) : { ...tally, read: tally.read + 1 };
  }
  return { cursor: page.cursor, tally };
}

/** Which treated members to queue after a decision: those of the stages just begun, and those enrolled since the last queueing into a stage begun. */
export const QueueWindow = z.object({
  fromStage: z.number().int().min(0),
  toStage: z.number().int().min(0),
  queuedUntil: z.iso.datetime(),
});
export type QueueWindow = z.infer<typeof QueueWindow>;

export interface DecidedEvaluation {
  journeyId: string;
  decision: RolloutDecision['kind'] | 'tallied' | 'superseded';
  stage: number | null;
  /** Present when members are to be queued, then the state committed. */
  queue?: { window: QueueWindow; state: RolloutState; expectedHistory: number };
}

/**
 * The shards' tallies added up and stored as the journey's snapshot; then, for an expanding
 * rollout, the decision: a breach halts it (recorded first: of two evaluations at once one halts,
 * then the journey is paused and the alert raised); otherwise the members the decision admits are
 * to be queued before the new state is committed.
 */
export async function decideEvaluation(
  request: PlannedEvaluation & { tallies: readonly ExperimentTally[] },
  ports: Pick<RolloutPorts, 'clock' | 'journeys' | 'rollouts' | 'snapshots' | 'alerts'>,
): Promise<DecidedEvaluation> {
  const journey = await journeyOf(request.journeyId, ports);
  const { definition } = journey;
  const now = ports.clock.now();
  const tally = request.tallies.reduce(mergeTallies, emptyTally(definition, request.stage));
  if (request.tally) await ports.snapshots.save({ journeyId: request.journeyId, asOf: now.toISOString(), tally });
  const plan = definition.rollout;
  if (!request.decide || plan === undefined) return { journeyId: request.journeyId, decision: 'tallied', stage: request.stage };
  const stored = await ports.rollouts.get(request.journeyId);
  if ((stored?.history.length ?? 0) !== request.expectedHistory) return { journeyId: request.journeyId, decision: 'superseded', stage: request.stage };
  const state = stored ?? startRollout(request.journeyId, plan, new Date(journey.launchedAt));
  const decision = decideRollout(plan, state, observationOf(tally, now));
  switch (decision.kind) {
    case 'halt': {
      const halted = applyRolloutDecision(plan, state, decision, now);
      if (!(await ports.rollouts.save(halted, request.expectedHistory))) return { journeyId: request.journeyId, decision: 'superseded', stage: state.stage };
      if (journey.status === 'launching' || journey.status === 'running') await ports.journeys.transition(request.journeyId, journey.status, 'paused', now);
      await ports.alerts.halted({ journeyId: request.journeyId, stage: state.stage, at: now.toISOString(), breaches: decision.breaches });
      return { journeyId: request.journeyId, decision: 'halt', stage: state.stage };
    }
    case 'advance':
    case 'wait': {
      const next = { ...applyRolloutDecision(plan, state, decision, now), queuedUntil: now.toISOString() };
      const window = { fromStage: state.stage, toStage: next.stage, queuedUntil: state.queuedUntil ?? state.history[0]?.at ?? journey.launchedAt };
      return {
        journeyId: request.journeyId,
        decision: decision.kind,
        stage: next.stage,
        queue: { window, state: next, expectedHistory: request.expectedHistory },
      };
    }
    default:
      return assertNever(decision);
  }
}

/**
 * One page of one shard's members: the treated ones the window admits are queued (the starter
 * answers "already enrolled" for any queued twice). Members of the first stage were queued at
 * enrollment.
 */
export async function queueMemberPage(
  request: { journeyId: string; shard: number; cursor?: string | undefined; window: QueueWindow },
  ports: Pick<RolloutPorts, 'members' | 'queue' | 'pageSizes'>,
): Promise<{ cursor: string | undefined; queued: number }> {
  const { journeyId, window } = request;
  const page = await ports.members.page(journeyId, request.shard, request.cursor, ports.pageSizes.queue);
  const messages: EnrollmentMessage[] = page.members
    .filter((member) => {
      const stage = member.rolloutStage;
      if (member.holdout || stage === undefined || stage === 0 || stage > window.toStage) return false;
      return stage > window.fromStage || Date.parse(member.enrolledAt) > Date.parse(window.queuedUntil);
    })
    .map(({ userId, enrolledAt }) => ({ journeyId, userId, enrolledAt }));
  await ports.queue.enqueue(messages);
  return { cursor: page.cursor, queued: messages.length };
}

/** The decided state, written once its members are queued, only if no other evaluation moved the rollout meanwhile. */
export async function commitRollout(
  request: { state: RolloutState; expectedHistory: number },
  ports: Pick<RolloutPorts, 'rollouts'>,
): Promise<{ saved: boolean }> {
  return { saved: await ports.rollouts.save(RolloutState.parse(request.state), request.expectedHistory) };
}

/**
 * The workflow's inputs to each task. The journey's evaluation travels as one object, and a page's
 * cursor and running tally are absent until there is one: the state machine never passes a null
 * through a path.
 */
export const TallyPageInput = z.object({
  evaluation: PlannedEvaluation,
  shard: z.number().int().min(0),
  cursor: z.string().min(1).optional(),
  tally: ExperimentTally.optional(),
});
export const DecideInput = z.object({ evaluation: PlannedEvaluation, tallies: z.array(ExperimentTally).default([]) });
export const QueuePageInput = z.object({
  journeyId: z.string().min(1),
  shard: z.number().int().min(0),
  cursor: z.string().min(1).optional(),
  window: QueueWindow,
});
export const CommitInput = z.object({ state: RolloutState, expectedHistory: z.number().int().min(0) });
