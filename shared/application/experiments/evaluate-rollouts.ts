import { assertNever, utcDayOf, type Clock } from '../../domain/common';
import {
  applyRolloutDecision,
  decideRollout,
  resumeRollout,
  startRollout,
  type ContactFeedbackReader,
  type RolloutAlerts,
  type RolloutDecision,
  type RolloutObservation,
  type RolloutPlan,
  type RolloutState,
  type RolloutStateStore,
} from '../../domain/experiments';
import {
  outcomeOf,
  reportHistoryStart,
  type ActivityReader,
  type EnrollmentMessage,
  type EnrollmentStore,
  type JourneyMember,
  type JourneyStore,
  type LaunchQueue,
  type StoredJourney,
} from '../../domain/journeys';
import { forEachConcurrently } from '../journeys/for-each-concurrently';

export interface RolloutPorts {
  clock: Clock;
  journeys: Pick<JourneyStore, 'list' | 'listMembers' | 'transition'>;
  enrollments: Pick<EnrollmentStore, 'recordsOf'>;
  activity: ActivityReader;
  feedback: ContactFeedbackReader;
  rollouts: RolloutStateStore;
  queue: LaunchQueue;
  alerts: RolloutAlerts;
}

export interface RolloutEvaluation {
  journeyId: string;
  stage: number;
  status: RolloutState['status'];
  decision: RolloutDecision['kind'] | 'resumed' | 'held-by-a-person';
  queued: number;
}

/** What the guardrails see of a rollout: the admitted treated members contacted so far, their feedback, and the primary metric against the holdout. */
export async function observeRollout(
  journey: StoredJourney,
  state: RolloutState,
  ports: RolloutPorts,
  members: readonly JourneyMember[],
): Promise<RolloutObservation> {
  const admitted = members.filter((member) => member.holdout || (member.rolloutStage ?? 0) <= state.stage);
  const records = await ports.enrollments.recordsOf(
    journey.journeyId,
    admitted.map((member) => member.userId),
  );
  let contacted = 0;
  let unsubscribed = 0;
  let complained = 0;
  let bounced = 0;
  const treated = { users: 0, conversions: 0 };
  const control = { users: 0, conversions: 0 };
  await forEachConcurrently(admitted, 16, async (member) => {
    const days = await ports.activity.activitySince(member.userId, member.holdout ? utcDayOf(member.enrolledAt) : reportHistoryStart(member));
    const outcome = outcomeOf(member, records.get(member.userId) ?? { steps: [] }, days);
    if (member.holdout) {
      control.users += 1;
      if (outcome.reactivatedWithin7d) control.conversions += 1;
      return;
    }
    if (!outcome.contacted) return;
    contacted += 1;
    treated.users += 1;
    if (outcome.reactivatedWithin7d) treated.conversions += 1;
    const feedback = await ports.feedback.feedbackSince(member.userId, new Date(member.enrolledAt));
    const unsubscribedInEvents = days.some(
      (day) => day.day >= utcDayOf(member.enrolledAt) && day.unsubscribes > 0 && Date.parse(day.lastEventAt) > Date.parse(member.enrolledAt),
    );
    if (feedback.unsubscribed || unsubscribedInEvents) unsubscribed += 1;
    if (feedback.complained) complained += 1;
    if (feedback.bounced) bounced += 1;
  });
  return { now: ports.clock.now(), contacted, unsubscribed, complained, bounced, treated, control };
}

/**
 * Queues the treated members not queued yet: those of the stages just begun (after `fromStage`, up
 * to `toStage`), and those enrolled after `queuedUntil` (automatic recall, hand-overs) into a later
 * stage already begun. Members of the first stage were queued at enrollment.
 */
async function queueAdmitted(
  journeyId: string,
  members: readonly JourneyMember[],
  window: { fromStage: number; toStage: number; queuedUntil: string },
  ports: RolloutPorts,
): Promise<number> {
  const messages: EnrollmentMessage[] = members
    .filter((member) => {
      const stage = member.rolloutStage;
      if (member.holdout || stage === undefined || stage === 0 || stage > window.toStage) return false;
      return stage > window.fromStage || Date.parse(member.enrolledAt) > Date.parse(window.queuedUntil);
    })
    .map(({ userId, enrolledAt }) => ({ journeyId, userId, enrolledAt }));
  await ports.queue.enqueue(messages);
  return messages.length;
}

/**
 * One evaluation of one journey's staged rollout, as the hourly schedule runs it:
 * - a halted rollout whose journey a person resumed is resumed (that stage's breaches accepted);
 *   a journey a person paused is left alone; one stopped or completed is not evaluated;
 * - the guardrails are read over the members admitted so far; a breach pauses the journey (no
 *   further enrollment or contact), records why and raises an alert;
 * - a stage whose minimum time and sample are met advances, and the members it admits are queued.
 * Members a later stage admits are recorded at enrollment and queued only when their stage begins;
 * the starter answers "already enrolled" for any queued twice. The state is written only if no
 * other evaluation changed it meanwhile.
 */
export async function evaluateRollout(journey: StoredJourney, plan: RolloutPlan, ports: RolloutPorts): Promise<RolloutEvaluation | undefined> {
  const { journeyId } = journey;
  if (journey.status !== 'launching' && journey.status !== 'running' && journey.status !== 'paused') return undefined;
  const now = ports.clock.now();
  const stored = await ports.rollouts.get(journeyId);
  let state = stored ?? startRollout(journeyId, plan, new Date(journey.launchedAt));
  const expectedHistory = stored?.history.length ?? 0;
  const answer = (decision: RolloutEvaluation['decision'], queued: number): RolloutEvaluation => ({
    journeyId,
    stage: state.stage,
    status: state.status,
    decision,
    queued,
  });

  if (state.status === 'halted' && journey.status !== 'paused') state = resumeRollout(state, now);
  else if (journey.status === 'paused') {
    if (!stored) await ports.rollouts.save(state, 0);
    return answer(state.status === 'halted' ? 'wait' : 'held-by-a-person', 0);
  }
  const resumed = state !== stored && stored?.status === 'halted';

  const members = await ports.journeys.listMembers(journeyId);
  const decision = decideRollout(plan, state, await observeRollout(journey, state, ports, members));
  const before = state;
  state = { ...applyRolloutDecision(plan, state, decision, now), ...(decision.kind === 'halt' ? {} : { queuedUntil: now.toISOString() }) };
  let queued = 0;
  switch (decision.kind) {
    case 'halt':
      // Recorded first: of two evaluations at once, one halts and alerts.
      if (!(await ports.rollouts.save(state, expectedHistory))) return undefined;
      await ports.journeys.transition(journeyId, journey.status, 'paused', now);
      await ports.alerts.halted({ journeyId, stage: state.stage, at: now.toISOString(), breaches: decision.breaches });
      break;
    case 'advance':
    case 'wait': {
      const queuedUntil = before.queuedUntil ?? before.history[0]?.at ?? journey.launchedAt;
      // Queued before the state moves on: a failure in between queues them again next time (the starter answers "already enrolled").
      queued = await queueAdmitted(journeyId, members, { fromStage: before.stage, toStage: state.stage, queuedUntil }, ports);
      if (!(await ports.rollouts.save(state, expectedHistory))) return undefined;
      break;
    }
    default:
      assertNever(decision);
  }
  return answer(resumed && decision.kind === 'wait' ? 'resumed' : decision.kind, queued);
}

/** Evaluates the staged rollout of every journey that has one. */
export async function evaluateRollouts(ports: RolloutPorts): Promise<RolloutEvaluation[]> {
  const evaluations: RolloutEvaluation[] = [];
  for (const journey of await ports.journeys.list()) {
    const plan = journey.definition.rollout;
    if (plan === undefined) continue;
    const evaluation = await evaluateRollout(journey, plan, ports);
    if (evaluation) evaluations.push(evaluation);
  }
  return evaluations;
}
