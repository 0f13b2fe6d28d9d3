import { z } from 'zod';
import type { Clock } from '../../domain/common';
import type { DailyActivity } from '../../domain/events/daily-activity';
import {
  advanceCursor,
  assertNever,
  decideStep,
  JourneyExecutionInput,
  type ComebackSignal,
  type ContinuingCursor,
  type JourneyCursor,
  type JourneyPlanStep,
  type JourneyStatus,
  type PlanEscalateStep,
  type RecallTier,
} from '../../domain/journeys';
import type { SendOutcome } from '../../domain/messaging';
import type { ChannelOutcome, EscalationOutcome, ExitRecord, StepRecord } from './enrollment-store';
import { JourneyStepRetryable } from './errors';
import type { JourneySender } from './journey-sender';

/** What the CheckExitAndSend task receives: the execution's state plus its own name ($$.Execution.Name). */
export const CheckExitAndSendInput = JourneyExecutionInput.extend({ executionName: z.string().min(1) });
export type CheckExitAndSendInput = z.infer<typeof CheckExitAndSendInput>;

export interface CheckExitAndSendPorts {
  clock: Clock;
  journeyStatus(journeyId: string): Promise<JourneyStatus>;
  killSwitchEngaged(): Promise<boolean>;
  /** Daily aggregates of the user from `fromDay` (UTC, inclusive). */
  activitySince(userId: string, fromDay: string): Promise<DailyActivity[]>;
  sender: JourneySender;
  putStep(journeyId: string, userId: string, record: StepRecord): Promise<void>;
  putExit(journeyId: string, userId: string, record: ExitRecord): Promise<void>;
  /** Stops all marketing to the user: the send path's 'sunset' suppression. */
  sunset(userId: string, at: Date): Promise<'added' | 'already-there'>;
  /**
   * Enrolls the user in the standing (running, automatic) journey of the tier, through the launch
   * queue like automatic recall; a user already in it keeps that enrollment (`alreadyEnrolled`).
   * Undefined when no such journey runs.
   */
  handOver(userId: string, toTier: RecallTier, enrolledAt: Date): Promise<{ journeyId: string; holdout: boolean; alreadyEnrolled: boolean; enrolledAt: string } | undefined>;
}

/**
 * True when the user showed one of the exit signals after enrolling. Aggregates are per UTC day, so
 * a day counts when it is the enrollment day or later and its last event is after enrollment.
 */
export function cameBackAfter(enrolledAt: Date, signals: readonly ComebackSignal[], days: readonly DailyActivity[]): boolean {
  const enrolledDay = enrolledAt.toISOString().slice(0, 10);
  return days.some(
    (day) =>
      day.day >= enrolledDay &&
      Date.parse(day.lastEventAt) > enrolledAt.getTime() &&
      signals.some((signal) => (signal === 'session' ? day.sessions > 0 : day.purchases > 0)),
  );
}

function channelOutcome(outcome: SendOutcome): ChannelOutcome {
  switch (outcome.kind) {
    case 'sent':
      return { kind: 'sent', messageId: outcome.messageId };
    case 'deferred':
      return { kind: 'deferred', reason: outcome.reason, messageId: outcome.messageId };
    case 'skipped':
      // A retried or resumed step meets its own earlier send: the record keeps saying it was sent.
      if (outcome.reason === 'duplicate') return { kind: 'sent', reason: 'duplicate', messageId: outcome.messageId };
      return { kind: 'skipped', reason: outcome.reason, messageId: outcome.messageId };
    case 'failed-retryable':
      return { kind: 'failed-retryable', reason: outcome.code, messageId: outcome.messageId };
    case 'failed-permanent':
      return { kind: 'failed-permanent', reason: outcome.code, messageId: outcome.messageId };
    default:
      return assertNever(outcome);
  }
}

/**
 * One step of one user's journey, as the `CheckExitAndSend` task runs it: gather the facts (came
 * back? journey status? kill switch?), let the domain decide, carry the decision out through the
 * one send path with the idempotency key `<execution name>:<step>:<channel>`, record it under the
 * user, and return the next cursor. A send that may succeed later throws
 * {@link JourneyStepRetryable} for the state machine's Retry; the idempotency key makes the retry
 * send only what was not sent.
 */
export async function checkExitAndSend(input: CheckExitAndSendInput, ports: CheckExitAndSendPorts): Promise<JourneyCursor> {
  const { plan, userId, journeyId } = input;
  if (input.cursor.status !== 'continue') return input.cursor;
  const cursor: ContinuingCursor = input.cursor;
  const enrolledAt = new Date(input.enrolledAt);
  const now = ports.clock.now();
  const [journeyStatus, killSwitchEngaged, days] = await Promise.all([
    ports.journeyStatus(journeyId),
    ports.killSwitchEngaged(),
    ports.activitySince(userId, input.enrolledAt.slice(0, 10)),
  ]);
  const decision = decideStep(plan, enrolledAt, cursor, { now, cameBack: cameBackAfter(enrolledAt, plan.exitWhen.signals, days), journeyStatus, killSwitchEngaged });
  switch (decision.kind) {
    case 'exit':
      await ports.putExit(journeyId, userId, { reason: decision.reason, at: now.toISOString(), stepIndex: cursor.stepIndex });
      return advanceCursor(plan, cursor, decision);
    case 'hold':
      return advanceCursor(plan, cursor, decision);
    case 'perform':
      return perform(decision.step, input, cursor, now, ports);
    default:
      return assertNever(decision);
  }
}

async function perform(step: JourneyPlanStep, input: CheckExitAndSendInput, cursor: ContinuingCursor, now: Date, ports: CheckExitAndSendPorts): Promise<JourneyCursor> {
  const { plan, userId, journeyId, executionName } = input;
  if (step.kind === 'escalate') {
    const outcome = await escalate(step, input, ports);
    await ports.putStep(journeyId, userId, { kind: 'escalate', stepIndex: step.index, at: now.toISOString(), escalation: step.escalation.kind, outcome });
    return advanceCursor(plan, cursor, { kind: 'perform', step });
  }
  const channels: Record<string, ChannelOutcome> = {};
  let retryable = false;
  let deferredUntil: number | undefined;
  const endsAt = new Date(Date.parse(input.enrolledAt) + plan.maxDurationSeconds * 1000);
  for (const { channel, outcome } of await ports.sender.sendStep({ userId, journeyId, executionName, step, endsAt })) {
    channels[channel] = channelOutcome(outcome);
    if (outcome.kind === 'failed-retryable') retryable = true;
    if (outcome.kind === 'deferred') deferredUntil = Math.max(deferredUntil ?? 0, Date.parse(outcome.until));
  }
  await ports.putStep(journeyId, userId, { kind: 'send', stepIndex: step.index, templateId: step.templateId, at: now.toISOString(), channels });
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
      return { kind: 'sunset', suppression: await ports.sunset(input.userId, ports.clock.now()) };
    case 'hand-over': {
      const { toTier } = step.escalation;
      const handed = await ports.handOver(input.userId, toTier, dueAt);
      return handed === undefined ? { kind: 'nothing-handed-over', toTier, reason: 'no-running-journey' } : { kind: 'handed-over', toTier, ...handed };
    }
    default:
      return assertNever(step.escalation);
  }
}
