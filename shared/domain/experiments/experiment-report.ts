/**
 * The variants report of a journey from its stored tally: per rollout stage and per variant of each
 * send step, lift against the holdout with the always-valid interval, SRM and verdict, the global
 * control group apart. Pure: the rollout decision reads the same tally.
 */
import type { JourneyDefinition } from '../journeys/journey-definition';
import type { RolloutState } from './rollout';
import { liftConfidenceSequence, type LiftInterval } from './statistics';
import { variantSteps, type ArmTally, type ExperimentSnapshot, type GuardrailTally } from './tally';
import { analyseExperiment, type ExperimentAnalysis } from './verdict';

/** Per-arm figures of the report: the funnel, conversion (reactivated within 7 and 30 days), revenue per user, unsubscribes. */
export interface ArmFigures {
  users: number;
  sent: number;
  delivered: number;
  opened: number;
  clicked: number;
  reactivated7d: number;
  reactivated30d: number;
  revenuePerUser: number | null;
  unsubscribed: number;
}

export interface StageReport {
  stage: number;
  share: number;
  treated: ArmFigures;
  holdout: ArmFigures;
  /** Treated − holdout, reactivated within 7 days, always valid. */
  lift7d: LiftInterval | null;
}

export interface SendStepExperiment {
  sendNumber: number;
  variants: Record<string, ArmFigures>;
  holdout: ArmFigures;
  /** Variants against the holdout on reactivation within 7 days: always-valid lift, fixed-horizon interval, SRM, verdict. */
  analysis: ExperimentAnalysis;
}

export interface ExperimentReport {
  journeyId: string;
  rollout: RolloutState | null;
  /** When the figures were read (the last evaluation), the rollout stage they count up to and what the guardrails read; null before the first. */
  tallied: { asOf: string; stage: number | null; membersRead: number; guardrails: GuardrailTally } | null;
  /** The members of the global control group, apart: never contacted by any journey, out of every arm below. */
  globalControl: { share: number; members: ArmFigures };
  stages: StageReport[];
  steps: SendStepExperiment[];
}

const EMPTY: ArmTally = { users: 0, sent: 0, delivered: 0, opened: 0, clicked: 0, reactivated7d: 0, reactivated30d: 0, revenue: 0, unsubscribed: 0 };

export function armFigures(arm: ArmTally): ArmFigures {
  const { revenue, ...counts } = arm;
  return { ...counts, revenuePerUser: arm.users === 0 ? null : revenue / arm.users };
}

const conversions = (arm: ArmTally) => ({ users: arm.users, conversions: arm.reactivated7d });

/**
 * The report of a journey's experiments from its last tally. The control of every comparison is
 * the journey's holdout; during a rollout only the stages begun count, on both sides (a holdout
 * member belongs to the stage its bucket would have admitted it in), so the arms stay comparable
 * and in their assigned ratio.
 */
export function buildExperimentReport(
  definition: Pick<JourneyDefinition, 'id' | 'steps' | 'rollout' | 'holdoutShare'>,
  rollout: RolloutState | null,
  snapshot: ExperimentSnapshot | null,
  globalControlShare: number,
): ExperimentReport {
  const tally = snapshot?.tally;
  const holdout = tally?.holdout ?? EMPTY;
  const tuningSample = definition.rollout?.tuningSample;
  const stages: StageReport[] = (definition.rollout?.stages ?? []).flatMap((stage, index) => {
    const counted = tally?.stages[index];
    if (counted === undefined) return [];
    return [
      {
        stage: index,
        share: stage.share,
        treated: armFigures(counted.treated),
        holdout: armFigures(counted.holdout),
        lift7d: liftConfidenceSequence(conversions(counted.treated), conversions(counted.holdout), { alpha: 0.05, tuningSample: tuningSample! }) ?? null,
      },
    ];
  });
  const steps: SendStepExperiment[] = variantSteps(definition).map(({ sendNumber, variants }) => {
    const weightTotal = variants.reduce((sum, variant) => sum + variant.weight, 0);
    const arms = Object.fromEntries(variants.map(({ id }) => [id, tally?.variants[String(sendNumber)]?.[id] ?? EMPTY]));
    const analysis = analyseExperiment({
      control: { assignedShare: definition.holdoutShare, counts: conversions(holdout) },
      variants: variants.map(({ id, weight }) => ({
        id,
        assignedShare: ((1 - definition.holdoutShare) * weight) / weightTotal,
        counts: conversions(arms[id]!),
      })),
      plannedSample: definition.rollout?.plannedSample,
      settings: { alpha: 0.05, tuningSample: tuningSample ?? 5_000 },
    });
    return {
      sendNumber,
      variants: Object.fromEntries(Object.entries(arms).map(([id, arm]) => [id, armFigures(arm)])),
      holdout: armFigures(holdout),
      analysis,
    };
  });
  return {
    journeyId: definition.id,
    rollout,
    tallied:
      snapshot === null ? null : { asOf: snapshot.asOf, stage: snapshot.tally.stage, membersRead: snapshot.tally.read, guardrails: snapshot.tally.guardrails },
    globalControl: { share: globalControlShare, members: armFigures(tally?.globalControl ?? EMPTY) },
    stages,
    steps,
  };
}
