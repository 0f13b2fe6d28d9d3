/**
 * Compiles a journey definition into the plan one generic state machine iterates, and holds the
 * pure rules the `CheckExitAndSend` task applies at each step. See transition-budget.ts for the
 * exact ASL shape the plan is made for.
 *
 * Why a plan and not the definition: the execution carries its own plan in its input, so editing a
 * journey never changes the path of users already enrolled, and the task needs no lookup to know
 * what to send next. Waits are merged into the following send, which is what keeps the loop at
 * three states per send.
 */
import { z } from 'zod';
import { MS_PER_DAY } from '../common';
import { assertNever, JourneyInputInvalid } from './errors';
import {
  HandOverEscalation,
  JourneyChannel,
  JourneyExitCondition,
  JourneyId,
  JourneyOffer,
  RecallTier,
  SunsetEscalation,
  countPlanSteps,
  type JourneyDefinition,
} from './journey-definition';
import type { JourneyStatus } from './journey-lifecycle';
import { transitionsForPlanSteps } from './transition-budget';

const SECONDS_PER_DAY = MS_PER_DAY / 1000;

/**
 * A send is never performed more than this long after the journey's maximum duration: room for
 * Wait drift and task retries, but a journey paused for weeks does not wake up and send stale offers.
 */
export const DEADLINE_GRACE_SECONDS = SECONDS_PER_DAY;

/** How long a held step (journey paused, kill switch on) waits before it checks again. */
export const DEFAULT_HOLD_RECHECK_SECONDS = SECONDS_PER_DAY;

const stepTiming = {
  /** Position in the plan, from 0. */
  index: z.number().int().min(0),
  /** When the step is due, counted from enrollment (before any hold shifts it). */
  atOffsetSeconds: z.number().int().min(0),
  /** Seconds to wait before this step, counted from the previous step (or enrollment for the first). */
  waitSeconds: z.number().int().min(0),
};

/** A send step of the plan: one message on each channel the user can be reached on. */
export const PlanSendStep = z.object({
  kind: z.literal('send'),
  ...stepTiming,
  /** 1 for the first send, 2 for the second, ...: names the step in logs and idempotency keys. */
  sendNumber: z.number().int().min(1),
  channels: z.array(JourneyChannel).min(1),
  templateId: z.string().min(1),
  offer: JourneyOffer,
  /** The experiment variant this user's plan took for the step (experiments' personalizePlan). */
  variantId: z.string().optional(),
});
export type PlanSendStep = z.infer<typeof PlanSendStep>;

/** The closing step, at the maximum duration, for a user who has not come back. */
export const PlanEscalateStep = z.object({
  kind: z.literal('escalate'),
  ...stepTiming,
  escalation: z.discriminatedUnion('kind', [SunsetEscalation, HandOverEscalation]),
});
export type PlanEscalateStep = z.infer<typeof PlanEscalateStep>;

export const JourneyPlanStep = z.discriminatedUnion('kind', [PlanSendStep, PlanEscalateStep]);
export type JourneyPlanStep = z.infer<typeof JourneyPlanStep>;

/** What the state machine iterates: the same for every user of a journey. */
export const JourneyPlan = z.object({
  journeyId: JourneyId,
  tier: RecallTier,
  exitWhen: JourneyExitCondition,
  maxDurationSeconds: z.number().int().positive(),
  steps: z.array(JourneyPlanStep).min(1),
});
export type JourneyPlan = z.infer<typeof JourneyPlan>;

/**
 * Compiles a validated definition into its plan: one step per send with its absolute offset from
 * enrollment and its relative wait, then an `escalate` step at the maximum duration when the
 * definition escalates.
 */
export function compileJourneyPlan(definition: JourneyDefinition): JourneyPlan {
  const steps: JourneyPlanStep[] = [];
  let offsetSeconds = 0;
  let previousOffsetSeconds = 0;
  for (const step of definition.steps) {
    switch (step.kind) {
      case 'wait':
        offsetSeconds += step.days * SECONDS_PER_DAY;
        break;
      case 'send':
        steps.push({
          kind: 'send',
          index: steps.length,
          atOffsetSeconds: offsetSeconds,
          waitSeconds: offsetSeconds - previousOffsetSeconds,
          sendNumber: steps.length + 1,
          channels: [...step.channels],
          templateId: step.templateId,
          offer: step.offer,
        });
        previousOffsetSeconds = offsetSeconds;
        break;
      default:
        assertNever(step);
    }
  }
  const maxDurationSeconds = definition.maxDurationDays * SECONDS_PER_DAY;
  const escalation = definition.escalation;
  switch (escalation.kind) {
    case 'none':
      break;
    case 'sunset':
    case 'hand-over':
      steps.push({
        kind: 'escalate',
        index: steps.length,
        atOffsetSeconds: maxDurationSeconds,
        waitSeconds: maxDurationSeconds - previousOffsetSeconds,
        escalation,
      });
      break;
    default:
      assertNever(escalation);
  }
  return { journeyId: definition.id, tier: definition.tier, exitWhen: definition.exitWhen, maxDurationSeconds, steps };
}

/**
 * State transitions one enrolled user costs when going through the whole journey, for the ASL
 * shape documented in transition-budget.ts: `3 × (sends + escalation step) + 1`. A four-send
 * journey without escalation takes 13; with escalation it would take 16, which validation refuses.
 * Retries and pause holds are not included (see transition-budget.ts).
 */
export function estimateTransitions(definition: JourneyDefinition): number {
  return transitionsForPlanSteps(countPlanSteps(definition));
}

/** Same count as {@link estimateTransitions}, from a compiled plan. */
export function estimatePlanTransitions(plan: JourneyPlan): number {
  return transitionsForPlanSteps(plan.steps.length);
}

/** Why an execution left its journey before the end. */
export const JourneyExitReason = z.enum(['came-back', 'journey-stopped', 'journey-completed', 'journey-not-launched', 'deadline-passed']);
export type JourneyExitReason = z.infer<typeof JourneyExitReason>;

/** Why a step is held back without being performed. */
export const JourneyHoldReason = z.enum(['journey-paused', 'kill-switch']);
export type JourneyHoldReason = z.infer<typeof JourneyHoldReason>;

/**
 * Where an execution stands: the `CheckExitAndSend` task returns it into `$.cursor`, the Wait reads
 * `$.cursor.waitSeconds` and the Choice loops while `$.cursor.status == "continue"`.
 */
export const JourneyCursor = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('continue'),
    /** The next step to perform. */
    stepIndex: z.number().int().min(0),
    waitSeconds: z.number().int().min(0),
    /** Re-checks spent on holds so far: makes the extra transitions visible. */
    holds: z.number().int().min(0),
  }),
  z.object({ status: z.literal('finished') }),
  z.object({ status: z.literal('exited'), reason: JourneyExitReason }),
]);
export type JourneyCursor = z.infer<typeof JourneyCursor>;
export type ContinuingCursor = Extract<JourneyCursor, { status: 'continue' }>;

/** The input of one user's execution. */
export const JourneyExecutionInput = z.object({
  journeyId: JourneyId,
  userId: z.string().min(1),
  enrolledAt: z.iso.datetime({ offset: true }),
  plan: JourneyPlan,
  cursor: JourneyCursor,
});
export type JourneyExecutionInput = z.infer<typeof JourneyExecutionInput>;

/** The input that starts a user's execution: the plan and a cursor on its first step. */
export function buildExecutionInput(plan: JourneyPlan, userId: string, enrolledAt: Date): JourneyExecutionInput {
  const firstStep = plan.steps[0];
  if (firstStep === undefined) throw new JourneyInputInvalid(`Journey ${plan.journeyId} has an empty plan`);
  return {
    journeyId: plan.journeyId,
    userId,
    enrolledAt: enrolledAt.toISOString(),
    plan,
    cursor: { status: 'continue', stepIndex: 0, waitSeconds: firstStep.waitSeconds, holds: 0 },
  };
}

/** What the task knows when a step comes due; gathered by the adapter through ports. */
export interface StepFacts {
  readonly now: Date;
  /** A session or purchase (as the plan's exit condition says) happened after enrollment. */
  readonly cameBack: boolean;
  readonly journeyStatus: JourneyStatus;
  readonly killSwitchEngaged: boolean;
}

/** What the task must do with the step that came due. */
export type StepDecision =
  | { readonly kind: 'perform'; readonly step: JourneyPlanStep }
  | { readonly kind: 'hold'; readonly reason: JourneyHoldReason; readonly recheckAfterSeconds: number }
  | { readonly kind: 'exit'; readonly reason: JourneyExitReason };

/**
 * Decides what happens to the step under the cursor, in this order: a user who came back exits;
 * a journey no longer running ends the execution; an escalation runs even while paused (it sends
 * nothing); a send too far past the maximum duration is dropped; a paused journey or the kill switch
 * holds the send and re-checks later; otherwise the step is performed.
 */
export function decideStep(
  plan: JourneyPlan,
  enrolledAt: Date,
  cursor: ContinuingCursor,
  facts: StepFacts,
  holdRecheckSeconds: number = DEFAULT_HOLD_RECHECK_SECONDS,
): StepDecision {
  const step = plan.steps[cursor.stepIndex];
  if (step === undefined) {
    throw new JourneyInputInvalid(`Step ${cursor.stepIndex} is past the end of journey ${plan.journeyId}'s plan`);
  }
  if (facts.cameBack) return { kind: 'exit', reason: 'came-back' };
  switch (facts.journeyStatus) {
    case 'stopped':
      return { kind: 'exit', reason: 'journey-stopped' };
    case 'completed':
      return { kind: 'exit', reason: 'journey-completed' };
    case 'draft':
      return { kind: 'exit', reason: 'journey-not-launched' };
    case 'launching':
    case 'running':
    case 'paused':
      break;
    default:
      assertNever(facts.journeyStatus);
  }
  if (step.kind === 'escalate') return { kind: 'perform', step };

  const deadlineMs = enrolledAt.getTime() + (plan.maxDurationSeconds + DEADLINE_GRACE_SECONDS) * 1000;
  const secondsToDeadline = Math.floor((deadlineMs - facts.now.getTime()) / 1000);
  if (secondsToDeadline <= 0) return { kind: 'exit', reason: 'deadline-passed' };

  const holdReason: JourneyHoldReason | undefined = facts.journeyStatus === 'paused' ? 'journey-paused' : facts.killSwitchEngaged ? 'kill-switch' : undefined;
  if (holdReason !== undefined) {
    return { kind: 'hold', reason: holdReason, recheckAfterSeconds: Math.min(holdRecheckSeconds, secondsToDeadline) };
  }
  return { kind: 'perform', step };
}

/**
 * The cursor after the decision has been carried out: the next step with its relative wait, the
 * same step after a hold, or the end.
 */
export function advanceCursor(plan: JourneyPlan, cursor: ContinuingCursor, decision: StepDecision): JourneyCursor {
  switch (decision.kind) {
    case 'exit':
      return { status: 'exited', reason: decision.reason };
    case 'hold':
      return { ...cursor, waitSeconds: decision.recheckAfterSeconds, holds: cursor.holds + 1 };
    case 'perform': {
      const nextStep = plan.steps[cursor.stepIndex + 1];
      if (nextStep === undefined) return { status: 'finished' };
      return { status: 'continue', stepIndex: nextStep.index, waitSeconds: nextStep.waitSeconds, holds: cursor.holds };
    }
    default:
      return assertNever(decision);
  }
}
