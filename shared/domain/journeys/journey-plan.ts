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
  maxTransitions,
  type JourneyDefinition,
  type JourneyStep,
} from './journey-definition';
import { BranchCondition, JourneyEntry } from './lifecycle';
import type { JourneyStatus } from './journey-lifecycle';
import { TRANSITIONS_PER_BRANCH, TRANSITIONS_PER_EXECUTION_END, TRANSITIONS_PER_PLAN_STEP, transitionsForPlanSteps } from './transition-budget';

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
  /** The step after this one on its way (null: the journey ends); absent on plans compiled before branches: the next index. */
  nextIndex: z.number().int().min(0).nullable().optional(),
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

/** A branch: the task reads the condition's fact, a Choice state tests it and goes on at `thenIndex` or `elseIndex`. */
export const PlanBranchStep = z.object({
  kind: z.literal('branch'),
  ...stepTiming,
  condition: BranchCondition,
  thenIndex: z.number().int().min(0),
  elseIndex: z.number().int().min(0),
});
export type PlanBranchStep = z.infer<typeof PlanBranchStep>;

export const JourneyPlanStep = z.discriminatedUnion('kind', [PlanSendStep, PlanEscalateStep, PlanBranchStep]);
export type JourneyPlanStep = z.infer<typeof JourneyPlanStep>;

/** What the state machine iterates: the same for every user of a journey. */
export const JourneyPlan = z.object({
  journeyId: JourneyId,
  /** Absent for a lifecycle journey. */
  tier: RecallTier.optional(),
  /** How users enter; absent on plans compiled before lifecycle journeys (an audience). */
  entry: JourneyEntry.optional(),
  exitWhen: JourneyExitCondition,
  maxDurationSeconds: z.number().int().positive(),
  steps: z.array(JourneyPlanStep).min(1),
});
export type JourneyPlan = z.infer<typeof JourneyPlan>;

/**
 * Compiles a validated definition into its plan: one step per send (and per branch) with its
 * absolute offset from enrollment (after the entry's delay) and its relative wait from the step
 * before it on its way, each linked to the next by `nextIndex`; then an `escalate` step at the
 * maximum duration when the definition escalates (only journeys without branches do).
 */
export function compileJourneyPlan(definition: JourneyDefinition): JourneyPlan {
  const steps: JourneyPlanStep[] = [];
  const startOffset = definition.entry.kind === 'event' ? definition.entry.delayDays * SECONDS_PER_DAY : 0;
  const lastOnMainWay = compileList(definition.steps, startOffset, 0, steps);
  const maxDurationSeconds = definition.maxDurationDays * SECONDS_PER_DAY;
  const escalation = definition.escalation;
  switch (escalation.kind) {
    case 'none':
      break;
    case 'sunset':
    case 'hand-over': {
      const escalate: PlanEscalateStep = {
        kind: 'escalate',
        index: steps.length,
        atOffsetSeconds: maxDurationSeconds,
        waitSeconds: maxDurationSeconds - (lastOnMainWay?.atOffsetSeconds ?? 0),
        nextIndex: null,
        escalation,
      };
      if (lastOnMainWay) lastOnMainWay.nextIndex = escalate.index;
      steps.push(escalate);
      break;
    }
    default:
      assertNever(escalation);
  }
  return { journeyId: definition.id, tier: definition.tier, entry: definition.entry, exitWhen: definition.exitWhen, maxDurationSeconds, steps };
}

/**
 * Appends one list's plan steps, linked one to the next; a branch's sides are compiled after it,
 * each starting from the branch's offset. Answers the list's last step when it is not a branch.
 */
function compileList(list: readonly JourneyStep[], startOffset: number, previousOffset: number, steps: JourneyPlanStep[]): JourneyPlanStep | undefined {
  let offsetSeconds = startOffset;
  let previousOffsetSeconds = previousOffset;
  let previous: JourneyPlanStep | undefined;
  const link = (step: JourneyPlanStep) => {
    if (previous) previous.nextIndex = step.index;
    steps.push(step);
    previous = step;
    previousOffsetSeconds = offsetSeconds;
  };
  for (const step of list) {
    switch (step.kind) {
      case 'wait':
        offsetSeconds += step.days * SECONDS_PER_DAY;
        break;
      case 'send':
        link({
          kind: 'send',
          index: steps.length,
          atOffsetSeconds: offsetSeconds,
          waitSeconds: offsetSeconds - previousOffsetSeconds,
          nextIndex: null,
          sendNumber: steps.filter((planned) => planned.kind === 'send').length + 1,
          channels: [...step.channels],
          templateId: step.templateId,
          offer: step.offer,
        });
        break;
      case 'branch': {
        const branch: PlanBranchStep = {
          kind: 'branch',
          index: steps.length,
          atOffsetSeconds: offsetSeconds,
          waitSeconds: offsetSeconds - previousOffsetSeconds,
          nextIndex: null,
          condition: step.if,
          thenIndex: 0,
          elseIndex: 0,
        };
        link(branch);
        branch.thenIndex = steps.length;
        compileList(step.then, offsetSeconds, offsetSeconds, steps);
        branch.elseIndex = steps.length;
        compileList(step.else, offsetSeconds, offsetSeconds, steps);
        return undefined;
      }
      default:
        assertNever(step);
    }
  }
  return previous;
}

/**
 * State transitions one enrolled user costs when going through the whole journey, for the ASL
 * shape documented in transition-budget.ts: `3 × (sends + escalation step) + 1`. A four-send
 * journey without escalation takes 13; with escalation it would take 16, which validation refuses.
 * Retries and pause holds are not included (see transition-budget.ts).
 */
export function estimateTransitions(definition: JourneyDefinition): number {
  return maxTransitions(definition);
}

/** Same count as {@link estimateTransitions}, from a compiled plan. */
export function estimatePlanTransitions(plan: JourneyPlan): number {
  const branches = plan.steps.filter((step) => step.kind === 'branch').length;
  return branches === 0 ? transitionsForPlanSteps(plan.steps.length) : Math.max(...plan.steps.map((step) => transitionsTo(plan, step.index)));
}

/** Transitions of the way from the start through the step at `index` to the end, for a plan with branches. */
function transitionsTo(plan: JourneyPlan, index: number): number {
  let transitions = TRANSITIONS_PER_EXECUTION_END;
  let next: number | null | undefined = 0;
  const seen = new Set<number>();
  while (next !== null && next !== undefined && !seen.has(next)) {
    const step: JourneyPlanStep | undefined = plan.steps[next];
    if (step === undefined) break;
    seen.add(next);
    if (step.kind === 'branch') {
      transitions += TRANSITIONS_PER_BRANCH;
      next = index >= step.elseIndex ? step.elseIndex : step.thenIndex;
    } else {
      transitions += TRANSITIONS_PER_PLAN_STEP;
      next = nextIndexOf(plan, step);
    }
  }
  return transitions;
}

/** The index of the step after `step` on its way, or null at the end. */
export function nextIndexOf(plan: JourneyPlan, step: JourneyPlanStep): number | null {
  if (step.nextIndex !== undefined) return step.nextIndex;
  return step.index + 1 < plan.steps.length ? step.index + 1 : null;
}

/** Why an execution left its journey before the end. */
export const JourneyExitReason = z.enum(['came-back', 'exit-event', 'journey-stopped', 'journey-completed', 'journey-not-launched', 'deadline-passed']);
export type JourneyExitReason = z.infer<typeof JourneyExitReason>;

/** Why a step is held back without being performed. */
export const JourneyHoldReason = z.enum(['journey-paused', 'kill-switch']);
export type JourneyHoldReason = z.infer<typeof JourneyHoldReason>;

/**
 * Where an execution stands: the `CheckExitAndSend` task returns it into `$.cursor`, the Wait reads
 * `$.cursor.waitSeconds` and the Choice loops while `$.cursor.status == "continue"`.
 */
const ContinueCursor = z.object({
  status: z.literal('continue'),
  /** The next step to perform. */
  stepIndex: z.number().int().min(0),
  waitSeconds: z.number().int().min(0),
  /** Re-checks spent on holds so far: makes the extra transitions visible. */
  holds: z.number().int().min(0),
});

/**
 * What the `Branch` Choice state tests (see workflows/recall-journey.ts): `test` names the rule,
 * and each kind of fact has its own field, always present and typed, so no rule of the Choice
 * ever compares values of the wrong type. `unknown` (a user not scored yet) matches no rule: else.
 */
export const BranchTest = z.enum(['equals', 'at-least', 'below', 'happened', 'unknown']);
export type BranchTest = z.infer<typeof BranchTest>;

export const JourneyCursor = z.discriminatedUnion('status', [
  ContinueCursor,
  z.object({ status: z.literal('finished') }),
  z.object({ status: z.literal('exited'), reason: JourneyExitReason }),
  z.object({
    status: z.literal('branch'),
    test: BranchTest,
    text: z.string(),
    textValue: z.string(),
    number: z.number(),
    numberValue: z.number(),
    happened: z.boolean(),
    /** Where the journey goes on: the Choice's TakeThen or TakeElse state moves one of these into $.cursor. */
    then: ContinueCursor,
    else: ContinueCursor,
  }),
]);
export type JourneyCursor = z.infer<typeof JourneyCursor>;
export type ContinuingCursor = Extract<JourneyCursor, { status: 'continue' }>;
export type BranchCursor = Extract<JourneyCursor, { status: 'branch' }>;

/** The fact a branch read, as the Choice state will test it (undefined: not known, the else side). */
export type BranchFact = { kind: 'text'; value: string | undefined } | { kind: 'number'; value: number | undefined } | { kind: 'happened'; value: boolean };

/**
 * The cursor a branch step returns: the fact and the rule for the Choice state, and the cursor of
 * each side (its first step, with its wait counted from the branch).
 */
export function branchCursor(plan: JourneyPlan, cursor: ContinuingCursor, step: PlanBranchStep, fact: BranchFact): BranchCursor {
  const sideCursor = (index: number): ContinuingCursor => {
    const side = plan.steps[index];
    if (side === undefined) throw new JourneyInputInvalid(`Branch ${step.index} of journey ${plan.journeyId} goes to a step past the end of its plan`);
    return { status: 'continue', stepIndex: index, waitSeconds: side.waitSeconds, holds: cursor.holds };
  };
  const base = {
    status: 'branch' as const,
    text: '',
    textValue: '',
    number: 0,
    numberValue: 0,
    happened: false,
    then: sideCursor(step.thenIndex),
    else: sideCursor(step.elseIndex),
  };
  const condition = step.condition;
  switch (fact.kind) {
    case 'text':
      if (fact.value === undefined || condition.kind !== 'score-equals') return { ...base, test: 'unknown' };
      return { ...base, test: 'equals', text: fact.value, textValue: condition.value };
    case 'number':
      if (fact.value === undefined || (condition.kind !== 'score-at-least' && condition.kind !== 'score-below')) return { ...base, test: 'unknown' };
      return { ...base, test: condition.kind === 'score-at-least' ? 'at-least' : 'below', number: fact.value, numberValue: condition.value };
    case 'happened':
      return { ...base, test: 'happened', happened: fact.value };
    default:
      return assertNever(fact);
  }
}

/** What the Choice state decides for a branch cursor: the same rules, for fakes and unit tests of the plan. */
export function sideTaken(cursor: BranchCursor): 'then' | 'else' {
  switch (cursor.test) {
    case 'equals':
      return cursor.text === cursor.textValue ? 'then' : 'else';
    case 'at-least':
      return cursor.number >= cursor.numberValue ? 'then' : 'else';
    case 'below':
      return cursor.number < cursor.numberValue ? 'then' : 'else';
    case 'happened':
      return cursor.happened ? 'then' : 'else';
    case 'unknown':
      return 'else';
    default:
      return assertNever(cursor.test);
  }
}

/** The input of one user's execution. */
export const JourneyExecutionInput = z.object({
  journeyId: JourneyId,
  userId: z.string().min(1),
  enrolledAt: z.iso.datetime({ offset: true }),
  /** Which entry of the user this execution runs (1 unless the journey lets users re-enter); absent on older executions. */
  entry: z.number().int().min(1).optional(),
  plan: JourneyPlan,
  cursor: JourneyCursor,
});
export type JourneyExecutionInput = z.infer<typeof JourneyExecutionInput>;

/** The input that starts a user's execution: the plan and a cursor on its first step. */
export function buildExecutionInput(plan: JourneyPlan, userId: string, enrolledAt: Date, entry = 1): JourneyExecutionInput {
  const firstStep = plan.steps[0];
  if (firstStep === undefined) throw new JourneyInputInvalid(`Journey ${plan.journeyId} has an empty plan`);
  return {
    journeyId: plan.journeyId,
    userId,
    enrolledAt: enrolledAt.toISOString(),
    ...(entry > 1 ? { entry } : {}),
    plan,
    cursor: { status: 'continue', stepIndex: 0, waitSeconds: firstStep.waitSeconds, holds: 0 },
  };
}

/** What the task knows when a step comes due; gathered by the adapter through ports. */
export interface StepFacts {
  readonly now: Date;
  /** What the plan's exit condition waits for happened after enrollment: a come-back signal, or the exit event. */
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
  if (facts.cameBack) return { kind: 'exit', reason: plan.exitWhen.kind === 'event' ? 'exit-event' : 'came-back' };
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
  // An escalation or a branch sends nothing: it runs even while paused.
  if (step.kind === 'escalate' || step.kind === 'branch') return { kind: 'perform', step };

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
      const nextIndex = nextIndexOf(plan, decision.step);
      const nextStep = nextIndex === null ? undefined : plan.steps[nextIndex];
      if (nextStep === undefined) return { status: 'finished' };
      return { status: 'continue', stepIndex: nextStep.index, waitSeconds: nextStep.waitSeconds, holds: cursor.holds };
    }
    default:
      return assertNever(decision);
  }
}
