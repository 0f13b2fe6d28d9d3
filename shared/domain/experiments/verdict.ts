/**
 * The verdict of an experiment: per-variant lift against control (the journey's holdout), the
 * sample-ratio check that withholds any verdict when it fails, and a winner only when its
 * always-valid interval clears control and every other variant.
 */
import {
  checkSampleRatio,
  DEFAULT_SEQUENTIAL,
  liftConfidenceSequence,
  liftFixedHorizonInterval,
  type ArmCounts,
  type LiftInterval,
  type SampleRatioCheck,
  type SequentialSettings,
} from './statistics';

export interface VariantArm {
  readonly id: string;
  /** The share of users it was assigned (any positive scale: normalized with the control's). */
  readonly assignedShare: number;
  readonly counts: ArmCounts;
}

export interface ExperimentInput {
  readonly control: { readonly assignedShare: number; readonly counts: ArmCounts };
  readonly variants: readonly VariantArm[];
  /** The total sample (control and variants) the experiment was planned for: the fixed-horizon interval is shown from then on. */
  readonly plannedSample?: number | undefined;
  readonly settings?: SequentialSettings;
}

export interface VariantResult {
  readonly id: string;
  readonly counts: ArmCounts;
  readonly rate: number | null;
  /** Variant rate − control rate, always valid. */
  readonly liftSequential: LiftInterval | null;
  /** The same with a fixed-horizon 95% interval, once the planned sample is reached. */
  readonly liftFixedHorizon: LiftInterval | null;
  /** Where the always-valid interval lies against 0. */
  readonly against: 'better' | 'worse' | 'inconclusive';
}

export type ExperimentVerdict =
  | { readonly kind: 'withheld'; readonly reason: 'sample-ratio-mismatch' }
  | { readonly kind: 'winner'; readonly variantId: string }
  | { readonly kind: 'no-winner-yet' };

export interface ExperimentAnalysis {
  readonly control: { readonly counts: ArmCounts; readonly rate: number | null };
  readonly variants: readonly VariantResult[];
  readonly sampleRatio: SampleRatioCheck | null;
  readonly plannedSampleReached: boolean;
  readonly verdict: ExperimentVerdict;
}

function rateOf(counts: ArmCounts): number | null {
  return counts.users === 0 ? null : counts.conversions / counts.users;
}

/** True when `variant`'s always-valid interval against `other` lies above 0. */
function clears(variant: ArmCounts, other: ArmCounts, settings: SequentialSettings): boolean {
  const interval = liftConfidenceSequence(variant, other, settings);
  return interval !== undefined && interval.lower > 0;
}

/** Analyses an experiment; pure, so reading it every day is as safe as the sequence it uses. */
export function analyseExperiment(input: ExperimentInput): ExperimentAnalysis {
  const settings = input.settings ?? DEFAULT_SEQUENTIAL;
  const control = input.control.counts;
  const total = control.users + input.variants.reduce((sum, variant) => sum + variant.counts.users, 0);
  const plannedSampleReached = input.plannedSample !== undefined && total >= input.plannedSample;
  const sampleRatio =
    checkSampleRatio(
      [control.users, ...input.variants.map((variant) => variant.counts.users)],
      [input.control.assignedShare, ...input.variants.map((variant) => variant.assignedShare)],
    ) ?? null;
  const variants = input.variants.map((variant): VariantResult => {
    const sequential = liftConfidenceSequence(variant.counts, control, settings) ?? null;
    return {
      id: variant.id,
      counts: variant.counts,
      rate: rateOf(variant.counts),
      liftSequential: sequential,
      liftFixedHorizon: plannedSampleReached ? (liftFixedHorizonInterval(variant.counts, control) ?? null) : null,
      against: sequential === null ? 'inconclusive' : sequential.lower > 0 ? 'better' : sequential.upper < 0 ? 'worse' : 'inconclusive',
    };
  });
  const verdict = ((): ExperimentVerdict => {
    if (sampleRatio?.mismatch) return { kind: 'withheld', reason: 'sample-ratio-mismatch' };
    const winner = input.variants.find(
      (variant) =>
        clears(variant.counts, control, settings) && input.variants.every((other) => other === variant || clears(variant.counts, other.counts, settings)),
    );
    return winner === undefined ? { kind: 'no-winner-yet' } : { kind: 'winner', variantId: winner.id };
  })();
  return { control: { counts: control, rate: rateOf(control) }, variants, sampleRatio, plannedSampleReached, verdict };
}
