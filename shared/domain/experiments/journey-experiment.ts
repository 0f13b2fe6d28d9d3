/**
 * Experiments inside a journey: the variants of its send steps and its rollout stages, assigned
 * when a user enrolls (recorded on the member, drawn again identically on re-entry because the
 * draw is a hash), and resolved into the user's own plan when their execution starts.
 */
import { sendStepsOf, type JourneyDefinition, type SendVariant } from '../journeys/journey-definition';
import type { JourneyPlan, JourneyPlanStep } from '../journeys/journey-plan';
import { assignVariant, everyVariantHasBuckets, sendStepSalt } from './assignment';
import { rolloutStageOf } from './rollout';

const SECONDS_PER_DAY = 86_400;

/** What a member carries of the journey's experiments: the variant of each send step with variants, the rollout stage. */
export interface ExperimentAssignment {
  /** Send number (1, 2, ...) → variant id; only steps that have variants. */
  variants?: Record<string, string>;
  /** The rollout stage that admits the member (0 = the first); only when the journey rolls out in stages. */
  rolloutStage?: number;
}

type Definition = Pick<JourneyDefinition, 'id' | 'steps' | 'rollout'>;

/** The send steps of a definition with their send numbers. */
/** The send steps numbered as the plan numbers them (a branch's sides in order, after what precedes it). */
function sendsOf(definition: Pick<JourneyDefinition, 'steps'>) {
  return sendStepsOf(definition.steps).map((step, index) => ({ step, sendNumber: index + 1 }));
}

/**
 * The experiment assignment of a user enrolling. The holdout stays outside every variant and every
 * stage: it is never contacted, and it is the control every variant is measured against.
 */
export function experimentAssignment(definition: Definition, userId: string, holdout: boolean): ExperimentAssignment {
  if (holdout) return {};
  const assignment: ExperimentAssignment = {};
  for (const { step, sendNumber } of sendsOf(definition)) {
    if (step.variants === undefined) continue;
    assignment.variants ??= {};
    assignment.variants[String(sendNumber)] = assignVariant(step.variants, sendStepSalt(definition.id, sendNumber), userId).id;
  }
  if (definition.rollout !== undefined) assignment.rolloutStage = rolloutStageOf(definition.id, userId, definition.rollout.stages);
  return assignment;
}

/** The variant of a send step a user is assigned, or undefined when the step has none. */
export function variantOf(definition: Definition, sendNumber: number, userId: string): SendVariant | undefined {
  const send = sendsOf(definition)[sendNumber - 1];
  if (send?.step.variants === undefined) return undefined;
  return assignVariant(send.step.variants, sendStepSalt(definition.id, sendNumber), userId);
}

/**
 * The user's own plan: each send step with variants takes the user's variant's template, offer,
 * channels and wait before it (and names the variant); a changed wait moves every later step,
 * while the escalation stays at the maximum duration.
 */
export function personalizePlan(plan: JourneyPlan, definition: Definition, userId: string): JourneyPlan {
  let shiftSeconds = 0;
  const steps = plan.steps.map((step): JourneyPlanStep => {
    if (step.kind === 'escalate') return { ...step, waitSeconds: step.waitSeconds - shiftSeconds };
    // No variant wait in a journey that branches (findVariantProblems), so nothing shifts here.
    if (step.kind === 'branch') return step;
    const variant = variantOf(definition, step.sendNumber, userId);
    if (variant === undefined) return { ...step, atOffsetSeconds: step.atOffsetSeconds + shiftSeconds };
    const waitSeconds = variant.waitDays === undefined ? step.waitSeconds : variant.waitDays * SECONDS_PER_DAY;
    shiftSeconds += waitSeconds - step.waitSeconds;
    return {
      ...step,
      waitSeconds,
      atOffsetSeconds: step.atOffsetSeconds + shiftSeconds,
      templateId: variant.templateId ?? step.templateId,
      offer: variant.offer ?? step.offer,
      channels: variant.channels ?? step.channels,
      variantId: variant.id,
    };
  });
  return { ...plan, steps };
}

interface DefinitionProblem {
  path: (string | number)[];
  message: string;
}

/**
 * What is wrong with a definition's variants: ids must not repeat, every weight must own at least
 * one of the 10,000 buckets, and the longest variant waits must still fit in the maximum duration
 * (leaving time for the escalation when there is one).
 */
export function findVariantProblems(definition: Pick<JourneyDefinition, 'steps' | 'maxDurationDays' | 'escalation'>): DefinitionProblem[] {
  const problems: DefinitionProblem[] = [];
  let longestDays = 0;
  let anyVariantWait = false;
  // The plan of a journey that branches links each step to the next by index: a variant's own wait
  // would have to move both sides, so a journey with branches keeps the definition's waits.
  const branches = definition.steps.some((step) => step.kind === 'branch');
  if (branches && sendStepsOf(definition.steps).some((send) => send.variants?.some((variant) => variant.waitDays !== undefined))) {
    problems.push({ path: ['steps'], message: 'a variant cannot change its wait in a journey that branches' });
  }
  definition.steps.forEach((step, index) => {
    if (step.kind === 'branch') {
      for (const send of sendStepsOf([step])) {
        if (send.variants !== undefined && !everyVariantHasBuckets(send.variants.map((variant) => variant.weight))) {
          problems.push({ path: ['steps', index], message: 'every variant weight must be at least 1/10,000 of their sum' });
        }
      }
      return;
    }
    if (step.kind === 'wait') {
      const next = definition.steps[index + 1];
      const variantWaits = next?.kind === 'send' ? (next.variants ?? []).flatMap((variant) => (variant.waitDays === undefined ? [] : [variant.waitDays])) : [];
      longestDays += Math.max(step.days, ...variantWaits);
      return;
    }
    if (step.variants === undefined) return;
    const ids = step.variants.map((variant) => variant.id);
    if (new Set(ids).size !== ids.length) problems.push({ path: ['steps', index, 'variants'], message: 'variant ids must not repeat' });
    if (!everyVariantHasBuckets(step.variants.map((variant) => variant.weight))) {
      problems.push({ path: ['steps', index, 'variants'], message: 'every variant weight must be at least 1/10,000 of their sum' });
    }
    if (step.variants.some((variant) => variant.waitDays !== undefined)) anyVariantWait = true;
    if (definition.steps[index - 1]?.kind !== 'wait') {
      longestDays += Math.max(0, ...step.variants.map((variant) => variant.waitDays ?? 0));
    }
  });
  if (anyVariantWait && (longestDays > definition.maxDurationDays || (definition.escalation.kind !== 'none' && longestDays === definition.maxDurationDays))) {
    problems.push({
      path: ['maxDurationDays'],
      message: `with the longest variant waits the waits add up to ${longestDays} days, which must fit in the maximum duration of ${definition.maxDurationDays} days (and leave time for the escalation)`,
    });
  }
  return problems;
}

/** True when a member is contacted from enrollment on: no staged rollout, or the first stage admits them. */
export function admittedAtEnrollment(member: { rolloutStage?: number | undefined }): boolean {
  return member.rolloutStage === undefined || member.rolloutStage === 0;
}
