import { z } from 'zod';
import { assertNever, utcDayOf, type Clock } from '../../domain/common';
import type { DailyActivity } from '../../domain/events/daily-activity';
import {
  advanceCursor,
  cameBackAfter,
  channelOutcomeOf,
  decideStep,
  JourneyExecutionInput,
  JourneyNotFound,
  JourneyStepRetryable,
  type ActivityReader,
  type ChannelOutcome,
  type ContinuingCursor,
  type EnrollmentStore,
  type EscalationOutcome,
  type JourneyCursor,
  type JourneyPlanStep,
  type JourneySender,
  type JourneyStore,
  type KillSwitch,
  type PlanEscalateStep,
  type PlanBranchStep,
  type BranchCursor,
  type BranchFact,
  type ScoreReader,
  branchCursor,
  entryEventCounts,
  eventsSinceEntry,
  sideTaken,
  type SunsetList,
} from '../../domain/journeys';
import { handOverToTier, type StandingEnrollPorts } from './enroll-members';

/** What the CheckExitAndSend task receives: the execution's state plus its own name ($$.Execution.Name). */
export const CheckExitAndSendInput = JourneyExecutionInput.extend({ executionName: z.string().min(1) });
export type CheckExitAndSendInput = z.infer<typeof CheckExitAndSendInput>;

export interface CheckExitAndSendPorts extends StandingEnrollPorts {
  clock: Clock;
  journeys: Pick<JourneyStore, 'get' | 'list'>;
  enrollments: Pick<EnrollmentStore, 'enrollOnce' | 'putStep' | 'putExit' | 'recordLeft'>;
  scores: Pick<ScoreReader, 'scoreOf'>;
  killSwitch: KillSwitch;
  activity: ActivityReader;
  sender: JourneySender;
  sunsets: SunsetList;
}

/**
 * One step of one user's journey, as the `CheckExitAndSend` task runs it: gather the facts (came
 * back? journey status? kill switch?), let the domain decide, carry the decision out through the
 * one send path with the idempotency key `<execution name>:<step>:<channel>`, record it under the
 * user, and return the next cursor. A paused journey or an engaged kill switch holds the step.
 * @throws {JourneyStepRetryable} when a send may succeed later, for the state machine's Retry; the
 * idempotency key makes the retry send only what was not sent.
 * @throws {JourneyNotFound} when the journey is gone.
 */
export async function checkExitAndSend(input: CheckExitAndSendInput, ports: CheckExitAndSendPorts): Promise<JourneyCursor> {
  const { plan, userId, journeyId } = input;
  if (input.cursor.status !== 'continue') return input.cursor;
  const cursor: ContinuingCursor = input.cursor;
  const enrolledAt = new Date(input.enrolledAt);
  const now = ports.clock.now();
  const [journey, killSwitch, days] = await Promise.all([
    ports.journeys.get(journeyId),
    ports.killSwitch.read(),
    ports.activity.activitySince(userId, utcDayOf(enrolledAt)),
  ]);
  if (!journey) throw new JourneyNotFound(journeyId);
  const facts = { now, cameBack: exitConditionMet(plan, enrolledAt, days), journeyStatus: journey.status, killSwitchEngaged: killSwitch.active };
  const decision = decideStep(plan, enrolledAt, cursor, facts);
  const entry = input.entry ?? 1;
  switch (decision.kind) {
    case 'exit':
      await ports.enrollments.putExit(journeyId, userId, { reason: decision.reason, at: now.toISOString(), stepIndex: cursor.stepIndex, ...entryOf(entry) });
      await ports.enrollments.recordLeft(journeyId, userId, entry, now);
      return advanceCursor(plan, cursor, decision);
    case 'hold':
      return advanceCursor(plan, cursor, decision);
    case 'perform': {
      const next =
        decision.step.kind === 'branch'
          ? await branch(decision.step, input, cursor, days, now, ports)
          : await perform(decision.step, input, cursor, now, ports);
      // The user has left the journey: a re-entry's cooldown counts from now.
      if (next.status === 'finished') await ports.enrollments.recordLeft(journeyId, userId, entry, now);
      return next;
    }
    default:
      return assertNever(decision);
  }
}

/** The entry field of a record: absent for the first entry, so its keys and records stay as before re-entry. */
function entryOf(entry: number): { entry?: number } {
  return entry > 1 ? { entry } : {};
}

/** Whether what the plan's exit waits for happened since enrollment: a come-back signal, or the exit event (the entry event left out). */
function exitConditionMet(plan: CheckExitAndSendInput['plan'], enrolledAt: Date, days: readonly DailyActivity[]): boolean {
  const exit = plan.exitWhen;
  switch (exit.kind) {
    case 'came-back':
      return cameBackAfter(enrolledAt, exit.signals, days);
    case 'event':
      return eventsSinceEntry(exit.event, enrolledAt, days, entryEventCounts(plan.entry, exit.event)) > 0;
    default:
      return assertNever(exit);
  }
}

/**
 * A branch: reads the condition's fact (the user's score, or the events since entry) and answers
 * the cursor the `Branch` Choice state tests; the step record says which side that is.
 */
async function branch(
  step: PlanBranchStep,
  input: CheckExitAndSendInput,
  cursor: ContinuingCursor,
  days: readonly DailyActivity[],
  now: Date,
  ports: CheckExitAndSendPorts,
): Promise<BranchCursor> {
  const condition = step.condition;
  let fact: BranchFact;
  switch (condition.kind) {
    case 'score-equals': {
      const score = await ports.scores.scoreOf(input.userId);
      fact = { kind: 'text', value: score === undefined ? undefined : (score[condition.attribute] ?? undefined) };
      break;
    }
    case 'score-at-least':
    case 'score-below':
      fact = { kind: 'number', value: (await ports.scores.scoreOf(input.userId))?.[condition.attribute] };
      break;
    case 'event-since-entry':
      fact = {
        kind: 'happened',
        value: eventsSinceEntry(condition.event, new Date(input.enrolledAt), days, entryEventCounts(input.plan.entry, condition.event)) > 0,
      };
      break;
    default:
      return assertNever(condition);
  }
  const next = branchCursor(input.plan, cursor, step, fact);
  await ports.enrollments.putStep(input.journeyId, input.userId, {
    kind: 'branch',
    stepIndex: step.index,
    at: now.toISOString(),
    condition: condition.kind,
    side: sideTaken(next),
    ...entryOf(input.entry ?? 1),
  });
  return next;
}

async function perform(
  step: Exclude<JourneyPlanStep, PlanBranchStep>,
  input: CheckExitAndSendInput,
  cursor: ContinuingCursor,
  now: Date,
  ports: CheckExitAndSendPorts,
): Promise<JourneyCursor> {
  const { plan, userId, journeyId, executionName } = input;
  if (step.kind === 'escalate') {
    const outcome = await escalate(step, input, ports);
    await ports.enrollments.putStep(journeyId, userId, {
      kind: 'escalate',
      ...entryOf(input.entry ?? 1),
      stepIndex: step.index,
      at: now.toISOString(),
      escalation: step.escalation.kind,
      outcome,
    });
    return advanceCursor(plan, cursor, { kind: 'perform', step });
  }
  const channels: Record<string, ChannelOutcome> = {};
  let retryable = false;
  let deferredUntil: number | undefined;
  const endsAt = new Date(Date.parse(input.enrolledAt) + plan.maxDurationSeconds * 1000);
  for (const { channel, outcome } of await ports.sender.sendStep({ userId, journeyId, executionName, step, endsAt })) {
    channels[channel] = channelOutcomeOf(outcome);
    if (outcome.kind === 'failed-retryable') retryable = true;
    if (outcome.kind === 'deferred') deferredUntil = Math.max(deferredUntil ?? 0, Date.parse(outcome.until));
  }
  const variant = step.variantId === undefined ? {} : { variantId: step.variantId };
  await ports.enrollments.putStep(journeyId, userId, {
    kind: 'send',
    stepIndex: step.index,
    templateId: step.templateId,
    ...variant,
    at: now.toISOString(),
    channels,
    ...entryOf(input.entry ?? 1),
  });
  if (retryable) throw new JourneyStepRetryable(`step ${step.index} of ${executionName}: a send may succeed on retry`);
  if (deferredUntil !== undefined) {
    // Quiet hours: come back to this step when they end; channels already sent answer "duplicate".
    return { ...cursor, waitSeconds: Math.max(1, Math.ceil((deferredUntil - now.getTime()) / 1000)), holds: cursor.holds + 1 };
  }
  return advanceCursor(plan, cursor, { kind: 'perform', step });
}

/**
 * Carries out the escalation at the end of the journey. Sunset writes the suppression that stops
 * all marketing to the user. Hand-over enrolls the user in the later tier's standing journey, with
 * the escalation's due time as the enrollment time so a retried step enrolls the same way (the
 * deterministic execution name answers "already enrolled"); a user already in that journey keeps
 * their first enrollment, and the outcome says `alreadyEnrolled`. Both are idempotent.
 */
async function escalate(step: PlanEscalateStep, input: CheckExitAndSendInput, ports: CheckExitAndSendPorts): Promise<EscalationOutcome> {
  const dueAt = new Date(Date.parse(input.enrolledAt) + step.atOffsetSeconds * 1000);
  switch (step.escalation.kind) {
    case 'sunset':
      return { kind: 'sunset', suppression: await ports.sunsets.sunset(input.userId, ports.clock.now()) };
    case 'hand-over': {
      const { toTier } = step.escalation;
      const handed = await handOverToTier(input.userId, toTier, dueAt, ports);
      return handed === undefined ? { kind: 'nothing-handed-over', toTier, reason: 'no-running-journey' } : { kind: 'handed-over', toTier, ...handed };
    }
    default:
      return assertNever(step.escalation);
  }
}
