/**
 * Staged rollout (灰度): a journey's treated audience is contacted in stages (5% → 20% → 100% by
 * default). A stage advances only after its minimum time and minimum sample, and only while the
 * guardrails hold; a breach halts the rollout (the journey is paused: no further enrollment or
 * contact) until a person resumes or stops it.
 */
import { z } from 'zod';
import { assertNever } from '../common';
import { assignmentBucket, BUCKETS, rolloutSalt } from './assignment';
import { DEFAULT_SEQUENTIAL, liftConfidenceSequence, type ArmCounts, type SequentialSettings } from './statistics';

export const RolloutStage = z.object({
  /** Share of the treated audience contacted once this stage has begun, cumulative. */
  share: z.number().gt(0).max(1),
  /** The stage runs at least this long before the next one may begin (default 0; the last stage's is unused). */
  minHours: z
    .number()
    .int()
    .min(0)
    .max(24 * 60)
    .default(0),
  /** ... and until this many of its treated users have been contacted (default 0). */
  minSample: z.number().int().min(0).default(0),
});
export type RolloutStage = z.infer<typeof RolloutStage>;

export const RolloutGuardrails = z.object({
  /** Contacted users who unsubscribed / contacted users. */
  maxUnsubscribeRate: z.number().min(0).max(1).default(0.02),
  /** Contacted users who complained / contacted users. */
  maxComplaintRate: z.number().min(0).max(1).default(0.001),
  /** Contacted users whose address hard-bounced / contacted users. */
  maxBounceRate: z.number().min(0).max(1).default(0.05),
  /**
   * The primary metric (reactivated within 7 days) may fall at most this far under control's,
   * absolute: a breach only once the always-valid interval of the lift lies wholly below −this,
   * so hourly looks at a small sample do not halt on noise.
   */
  maxPrimaryMetricDrop: z.number().min(0).max(1).default(0.02),
});
export type RolloutGuardrails = z.infer<typeof RolloutGuardrails>;

export const DEFAULT_ROLLOUT_STAGES: readonly RolloutStage[] = [
  { share: 0.05, minHours: 24, minSample: 100 },
  { share: 0.2, minHours: 48, minSample: 500 },
  { share: 1, minHours: 0, minSample: 0 },
];

/** The rollout of a journey definition; `{}` is the default three stages and guardrails. */
export const RolloutPlan = z
  .object({
    stages: z
      .array(RolloutStage)
      .min(1)
      .max(10)
      .default(() => DEFAULT_ROLLOUT_STAGES.map((stage) => ({ ...stage }))),
    guardrails: RolloutGuardrails.prefault({}),
    /** Total sample (holdout and treated) the fixed-horizon interval is planned for. */
    plannedSample: z.number().int().positive().optional(),
    /** Tuning parameter S of the confidence sequence: the total sample at which it is tightest. */
    tuningSample: z.number().int().positive().default(DEFAULT_SEQUENTIAL.tuningSample),
  })
  .superRefine((plan, context) => {
    plan.stages.forEach((stage, index) => {
      const previous = plan.stages[index - 1];
      if (previous !== undefined && stage.share <= previous.share) {
        context.addIssue({ code: 'custom', path: ['stages', index, 'share'], message: 'each stage reaches a larger share than the one before' });
      }
    });
    if (plan.stages.at(-1)?.share !== 1)
      context.addIssue({ code: 'custom', path: ['stages'], message: 'the last stage reaches the whole treated audience (share 1)' });
  });
export type RolloutPlan = z.infer<typeof RolloutPlan>;
export type RolloutPlanInput = z.input<typeof RolloutPlan>;

/** The first stage whose share admits the user: stable, by the rollout salt's bucket. */
export function rolloutStageOf(journeyId: string, userId: string, stages: readonly RolloutStage[]): number {
  const bucket = assignmentBucket(rolloutSalt(journeyId), userId);
  const index = stages.findIndex((stage) => bucket < Math.round(stage.share * BUCKETS));
  return index === -1 ? stages.length - 1 : index;
}

/** Why a guardrail was breached, with the figures that breached it. */
export const GuardrailBreach = z.object({
  guardrail: z.enum(['unsubscribe-rate', 'complaint-rate', 'bounce-rate', 'primary-metric']),
  observed: z.number(),
  limit: z.number(),
});
export type GuardrailBreach = z.infer<typeof GuardrailBreach>;

/** One entry of a rollout's history: what changed, when and why. */
export const RolloutEvent = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('stage-started'), stage: z.number().int().min(0), share: z.number(), at: z.iso.datetime() }),
  z.object({ kind: z.literal('halted'), stage: z.number().int().min(0), at: z.iso.datetime(), breaches: z.array(GuardrailBreach).min(1) }),
  z.object({ kind: z.literal('resumed'), stage: z.number().int().min(0), at: z.iso.datetime() }),
  z.object({ kind: z.literal('completed'), stage: z.number().int().min(0), at: z.iso.datetime() }),
]);
export type RolloutEvent = z.infer<typeof RolloutEvent>;

/** Where a journey's rollout stands, as stored beside the journey. */
export const RolloutState = z.object({
  journeyId: z.string().min(1),
  stage: z.number().int().min(0),
  stageStartedAt: z.iso.datetime(),
  status: z.enum(['expanding', 'halted', 'complete']),
  /** A person resumed the rollout after a halt at this stage: its breaches were accepted, later stages are guarded again. */
  acceptedStage: z.number().int().min(0).optional(),
  /** Members enrolled up to then whose stage had begun are queued; later ones are queued by the next evaluation. */
  queuedUntil: z.iso.datetime().optional(),
  history: z.array(RolloutEvent),
});
export type RolloutState = z.infer<typeof RolloutState>;

/** The rollout of a newly launched journey: stage 0 begins at the launch. */
export function startRollout(journeyId: string, plan: RolloutPlan, at: Date): RolloutState {
  const first = plan.stages[0]!;
  return {
    journeyId,
    stage: 0,
    stageStartedAt: at.toISOString(),
    status: plan.stages.length === 1 ? 'complete' : 'expanding',
    history: [{ kind: 'stage-started', stage: 0, share: first.share, at: at.toISOString() }],
  };
}

/** What the guardrails read: the treated users contacted so far and what happened to them, and the primary metric. */
export interface RolloutObservation {
  readonly now: Date;
  /** Treated users contacted so far in the current stage's cohort (its stage and those before). */
  readonly contacted: number;
  readonly unsubscribed: number;
  readonly complained: number;
  readonly bounced: number;
  /** The primary metric of the treated users of the stages begun (intention to treat) and of the holdout of the same stages. */
  readonly treated: ArmCounts;
  readonly control: ArmCounts;
}

export type RolloutDecision =
  | { readonly kind: 'wait'; readonly reason: 'min-time' | 'min-sample' | 'halted' | 'complete' }
  | { readonly kind: 'advance'; readonly toStage: number }
  | { readonly kind: 'halt'; readonly breaches: readonly GuardrailBreach[] };

/**
 * The guardrails that the observation breaches. The primary metric only once the stage's minimum
 * sample is met, and only when the always-valid interval of treated − control lies wholly below
 * −margin (its `observed` is that interval's upper end): valid at every hourly look.
 */
export function guardrailBreaches(
  guardrails: RolloutGuardrails,
  observation: RolloutObservation,
  minSample: number,
  settings: SequentialSettings = DEFAULT_SEQUENTIAL,
): GuardrailBreach[] {
  const breaches: GuardrailBreach[] = [];
  if (observation.contacted === 0) return breaches;
  const check = (guardrail: GuardrailBreach['guardrail'], count: number, limit: number) => {
    const observed = count / observation.contacted;
    if (observed > limit) breaches.push({ guardrail, observed, limit });
  };
  check('unsubscribe-rate', observation.unsubscribed, guardrails.maxUnsubscribeRate);
  check('complaint-rate', observation.complained, guardrails.maxComplaintRate);
  check('bounce-rate', observation.bounced, guardrails.maxBounceRate);
  const { treated, control } = observation;
  if (observation.contacted >= Math.max(1, minSample) && control.users > 0) {
    const lift = liftConfidenceSequence(treated, control, settings);
    if (lift !== undefined && lift.upper < -guardrails.maxPrimaryMetricDrop)
      breaches.push({ guardrail: 'primary-metric', observed: lift.upper, limit: -guardrails.maxPrimaryMetricDrop });
  }
  return breaches;
}

/**
 * What the rollout does now: a halted or complete rollout waits; a breach halts it (unless a
 * person accepted this stage's breaches); otherwise the stage advances once its minimum time and
 * minimum sample are met.
 */
export function decideRollout(plan: RolloutPlan, state: RolloutState, observation: RolloutObservation): RolloutDecision {
  if (state.status === 'halted') return { kind: 'wait', reason: 'halted' };
  if (state.status === 'complete') return { kind: 'wait', reason: 'complete' };
  const stage = plan.stages[state.stage]!;
  const breaches =
    state.acceptedStage === state.stage
      ? []
      : guardrailBreaches(plan.guardrails, observation, stage.minSample, { alpha: DEFAULT_SEQUENTIAL.alpha, tuningSample: plan.tuningSample });
  if (breaches.length > 0) return { kind: 'halt', breaches };
  if (observation.now.getTime() - Date.parse(state.stageStartedAt) < stage.minHours * 3_600_000) return { kind: 'wait', reason: 'min-time' };
  if (observation.contacted < stage.minSample) return { kind: 'wait', reason: 'min-sample' };
  return { kind: 'advance', toStage: state.stage + 1 };
}

/** The state after a decision was carried out. */
export function applyRolloutDecision(plan: RolloutPlan, state: RolloutState, decision: RolloutDecision, at: Date): RolloutState {
  const when = at.toISOString();
  switch (decision.kind) {
    case 'wait':
      return state;
    case 'halt':
      return { ...state, status: 'halted', history: [...state.history, { kind: 'halted', stage: state.stage, at: when, breaches: [...decision.breaches] }] };
    case 'advance': {
      const next = plan.stages[decision.toStage]!;
      const isLast = decision.toStage === plan.stages.length - 1;
      const history: RolloutEvent[] = [...state.history, { kind: 'stage-started', stage: decision.toStage, share: next.share, at: when }];
      if (isLast) history.push({ kind: 'completed', stage: decision.toStage, at: when });
      return { ...state, stage: decision.toStage, stageStartedAt: when, status: isLast ? 'complete' : 'expanding', history };
    }
    default:
      return assertNever(decision);
  }
}

/** A person resumed a halted rollout: this stage's breaches are accepted, the next stages are guarded again. */
export function resumeRollout(state: RolloutState, at: Date): RolloutState {
  if (state.status !== 'halted') return state;
  return {
    ...state,
    status: 'expanding',
    acceptedStage: state.stage,
    history: [...state.history, { kind: 'resumed', stage: state.stage, at: at.toISOString() }],
  };
}
