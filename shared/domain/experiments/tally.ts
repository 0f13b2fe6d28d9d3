/**
 * The experiment tally of a journey: per rollout stage, per variant of each send step, the holdout
 * and the global control group apart, and what the guardrails read. It is folded page by page
 * (the rollout evaluation workflow reads the members in pages, one shard at a time) and the pages'
 * tallies are added up, so no single invocation reads the whole population. Both the rollout
 * decision and the variants report are computed from the same stored tally, so they never
 * disagree. Pure.
 */
import { z } from 'zod';
import { sendStepsOf, type JourneyDefinition } from '../journeys/journey-definition';
import type { UserJourneyOutcome } from '../journeys/journey-report';
import type { JourneyMember } from '../journeys/stored-journey';
import { isInGlobalControl, type GlobalControlConfig } from './assignment';
import type { ContactFeedback } from './ports';
import { rolloutStageOf, type RolloutObservation } from './rollout';

const count = z.number().int().min(0);

/** One arm's sums: its users, the funnel, conversions (reactivated within 7 and 30 days), revenue, unsubscribes. */
export const ArmTally = z.object({
  users: count,
  sent: count,
  delivered: count,
  opened: count,
  clicked: count,
  reactivated7d: count,
  reactivated30d: count,
  revenue: z.number().min(0),
  unsubscribed: count,
});
export type ArmTally = z.infer<typeof ArmTally>;

export const StageTally = z.object({ treated: ArmTally, holdout: ArmTally });
export type StageTally = z.infer<typeof StageTally>;

/** What the guardrails read: treated users contacted so far and what happened to them. */
export const GuardrailTally = z.object({
  contacted: count,
  /** Contacted users who unsubscribed (suppression list or unsubscribe event) since they enrolled. */
  unsubscribed: count,
  complained: count,
  bounced: count,
  /** Contacted users reactivated within 7 days (the primary metric). */
  converted: count,
});
export type GuardrailTally = z.infer<typeof GuardrailTally>;

export const ExperimentTally = z.object({
  /** The rollout stage current when the members were read (only the stages begun are counted); null without a rollout. */
  stage: z.number().int().min(0).nullable(),
  /** Members read, counted or not (a stage not begun yet is skipped). */
  read: count,
  /** Index = rollout stage, up to `stage`. */
  stages: z.array(StageTally),
  /** The journey's holdout of the stages begun, out of the global control group: the control of every comparison. */
  holdout: ArmTally,
  /** Send number → variant id → the treated users assigned it. */
  variants: z.record(z.string(), z.record(z.string(), ArmTally)),
  /** Members in the global control group (never contacted by any journey), out of every arm above. */
  globalControl: ArmTally,
  guardrails: GuardrailTally,
});
export type ExperimentTally = z.infer<typeof ExperimentTally>;

/** A journey's tally as stored after an evaluation: what the variants report reads. */
export const ExperimentSnapshot = z.object({
  journeyId: z.string().min(1),
  /** When the members were read. */
  asOf: z.iso.datetime(),
  tally: ExperimentTally,
});
export type ExperimentSnapshot = z.infer<typeof ExperimentSnapshot>;

type Definition = Pick<JourneyDefinition, 'id' | 'steps' | 'rollout'>;

const emptyArm = (): ArmTally => ({ users: 0, sent: 0, delivered: 0, opened: 0, clicked: 0, reactivated7d: 0, reactivated30d: 0, revenue: 0, unsubscribed: 0 });

/** The send steps with variants, by send number (numbered as the plan numbers sends). */
export function variantSteps(definition: Pick<JourneyDefinition, 'steps'>): Array<{ sendNumber: number; variants: Array<{ id: string; weight: number }> }> {
  return sendStepsOf(definition.steps).flatMap((step, index) =>
    step.variants === undefined ? [] : [{ sendNumber: index + 1, variants: step.variants.map(({ id, weight }) => ({ id, weight })) }],
  );
}

/** True when the journey has anything to tally: variants or a staged rollout. */
export function hasExperiment(definition: Definition): boolean {
  return definition.rollout !== undefined || variantSteps(definition).length > 0;
}

/** Nothing counted yet, at the given rollout stage (null without a rollout). */
export function emptyTally(definition: Definition, stage: number | null): ExperimentTally {
  const variants: ExperimentTally['variants'] = {};
  for (const step of variantSteps(definition)) variants[String(step.sendNumber)] = Object.fromEntries(step.variants.map(({ id }) => [id, emptyArm()]));
  return {
    stage,
    read: 0,
    stages: stage === null ? [] : Array.from({ length: stage + 1 }, () => ({ treated: emptyArm(), holdout: emptyArm() })),
    holdout: emptyArm(),
    variants,
    globalControl: emptyArm(),
    guardrails: { contacted: 0, unsubscribed: 0, complained: 0, bounced: 0, converted: 0 },
  };
}

function addArms(a: ArmTally, b: ArmTally): ArmTally {
  return {
    users: a.users + b.users,
    sent: a.sent + b.sent,
    delivered: a.delivered + b.delivered,
    opened: a.opened + b.opened,
    clicked: a.clicked + b.clicked,
    reactivated7d: a.reactivated7d + b.reactivated7d,
    reactivated30d: a.reactivated30d + b.reactivated30d,
    revenue: a.revenue + b.revenue,
    unsubscribed: a.unsubscribed + b.unsubscribed,
  };
}

/** Two tallies of the same journey at the same stage added up (pages, shards). */
export function mergeTallies(a: ExperimentTally, b: ExperimentTally): ExperimentTally {
  if (a.stage !== b.stage || a.stages.length !== b.stages.length)
    throw new RangeError(`tallies of different stages cannot be added (${a.stage} and ${b.stage})`);
  const variants: ExperimentTally['variants'] = {};
  for (const sendNumber of new Set([...Object.keys(a.variants), ...Object.keys(b.variants)])) {
    const left = a.variants[sendNumber] ?? {};
    const right = b.variants[sendNumber] ?? {};
    variants[sendNumber] = Object.fromEntries(
      [...new Set([...Object.keys(left), ...Object.keys(right)])].map((id) => [id, addArms(left[id] ?? emptyArm(), right[id] ?? emptyArm())]),
    );
  }
  return {
    stage: a.stage,
    read: a.read + b.read,
    stages: a.stages.map((stage, index) => ({
      treated: addArms(stage.treated, b.stages[index]!.treated),
      holdout: addArms(stage.holdout, b.stages[index]!.holdout),
    })),
    holdout: addArms(a.holdout, b.holdout),
    variants,
    globalControl: addArms(a.globalControl, b.globalControl),
    guardrails: {
      contacted: a.guardrails.contacted + b.guardrails.contacted,
      unsubscribed: a.guardrails.unsubscribed + b.guardrails.unsubscribed,
      complained: a.guardrails.complained + b.guardrails.complained,
      bounced: a.guardrails.bounced + b.guardrails.bounced,
      converted: a.guardrails.converted + b.guardrails.converted,
    },
  };
}

/** The rollout stage a member belongs to (a holdout member: the stage its bucket would have admitted it in); null without a rollout. */
export function memberStage(definition: Definition, member: Pick<JourneyMember, 'userId' | 'rolloutStage'>): number | null {
  if (definition.rollout === undefined) return null;
  return member.rolloutStage ?? rolloutStageOf(definition.id, member.userId, definition.rollout.stages);
}

/** True when the member's stage has begun at the tally's stage: only those are read and counted. */
export function isCounted(definition: Definition, tally: Pick<ExperimentTally, 'stage'>, member: Pick<JourneyMember, 'userId' | 'rolloutStage'>): boolean {
  const stage = memberStage(definition, member);
  return stage === null || tally.stage === null || stage <= tally.stage;
}

/** Which arm a member is counted in: the global control group first, then the holdout, else treated. */
export function armOf(member: Pick<JourneyMember, 'userId' | 'holdout'>, globalControl: GlobalControlConfig): 'global-control' | 'holdout' | 'treated' {
  if (isInGlobalControl(member.userId, globalControl)) return 'global-control';
  return member.holdout ? 'holdout' : 'treated';
}

/** One member as read: their outcome, an unsubscribe event after enrolling, and (contacted treated members only) the suppression list's feedback. */
export interface MemberReading {
  member: JourneyMember;
  outcome: UserJourneyOutcome;
  unsubscribedByEvent: boolean;
  feedback?: ContactFeedback | undefined;
}

function armOfOutcome(reading: MemberReading): ArmTally {
  const { outcome } = reading;
  return {
    users: 1,
    sent: outcome.contacted ? 1 : 0,
    delivered: outcome.delivered ? 1 : 0,
    opened: outcome.opened ? 1 : 0,
    clicked: outcome.clicked ? 1 : 0,
    reactivated7d: outcome.reactivatedWithin7d ? 1 : 0,
    reactivated30d: outcome.reactivatedWithin30d ? 1 : 0,
    revenue: outcome.revenueAfterEnrollment,
    unsubscribed: reading.unsubscribedByEvent ? 1 : 0,
  };
}

/** The tally with one more member counted (a member of a stage not begun only counts as read). */
export function countMember(tally: ExperimentTally, definition: Definition, globalControl: GlobalControlConfig, reading: MemberReading): ExperimentTally {
  const counted = structuredClone(tally);
  counted.read += 1;
  const { member, outcome } = reading;
  if (!isCounted(definition, tally, member)) return counted;
  const arm = armOfOutcome(reading);
  const stage = memberStage(definition, member);
  const stageTally = stage === null ? undefined : counted.stages[stage];
  switch (armOf(member, globalControl)) {
    case 'global-control':
      counted.globalControl = addArms(counted.globalControl, arm);
      break;
    case 'holdout':
      counted.holdout = addArms(counted.holdout, arm);
      if (stageTally) stageTally.holdout = addArms(stageTally.holdout, arm);
      break;
    case 'treated': {
      if (stageTally) stageTally.treated = addArms(stageTally.treated, arm);
      for (const [sendNumber, variants] of Object.entries(counted.variants)) {
        const variantId = member.variants?.[sendNumber];
        if (variantId !== undefined && variants[variantId] !== undefined) variants[variantId] = addArms(variants[variantId], arm);
      }
      if (outcome.contacted) {
        const guardrails = counted.guardrails;
        guardrails.contacted += 1;
        if (outcome.reactivatedWithin7d) guardrails.converted += 1;
        if (reading.feedback?.unsubscribed || reading.unsubscribedByEvent) guardrails.unsubscribed += 1;
        if (reading.feedback?.complained) guardrails.complained += 1;
        if (reading.feedback?.bounced) guardrails.bounced += 1;
      }
      break;
    }
  }
  return counted;
}

/**
 * What the guardrails see of a tally: the feedback rates over the contacted treated users, and the
 * primary metric intention-to-treat, every treated user of the stages begun against the holdout of
 * the same stages. Only the contacted would be biased: a user who comes back before a send leaves
 * the journey uncontacted, so the contacted are those who had not come back.
 */
export function observationOf(tally: ExperimentTally, now: Date): RolloutObservation {
  const { guardrails, holdout } = tally;
  const treatedUsers = tally.stages.reduce((sum, stage) => sum + stage.treated.users, 0);
  const treatedConversions = tally.stages.reduce((sum, stage) => sum + stage.treated.reactivated7d, 0);
  return {
    now,
    contacted: guardrails.contacted,
    unsubscribed: guardrails.unsubscribed,
    complained: guardrails.complained,
    bounced: guardrails.bounced,
    treated:
      tally.stages.length === 0 ? { users: guardrails.contacted, conversions: guardrails.converted } : { users: treatedUsers, conversions: treatedConversions },
    control: { users: holdout.users, conversions: holdout.reactivated7d },
  };
}
