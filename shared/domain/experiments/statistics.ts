/**
 * The statistics of an experiment over a binary metric (reactivated within 7 days by default):
 * lift of each variant against control with an always-valid confidence sequence, a fixed-horizon
 * interval once the planned sample is reached, a sample-ratio-mismatch check, and the verdict.
 *
 * The confidence sequence is the asymptotic confidence sequence of Waudby-Smith, Arbour, Sinha,
 * Kennedy & Ramdas ("Time-uniform central limit theory and asymptotic confidence sequences",
 * 2023), in the parameterisation GrowthBook documents for its sequential testing:
 *
 *   Δ̂ ± √(s²) · √( 2 (N ρ² + 1) / (N² ρ²) · ln( √(N ρ² + 1) / α ) ),
 *   s² = N · SE²(Δ̂),   ρ = √( (−2 ln α + ln(1 − 2 ln α)) / S ),
 *
 * with N the users of both arms, SE²(Δ̂) = p̂₁(1 − p̂₁)/n₁ + p̂₀(1 − p̂₀)/n₀, and S the tuning
 * parameter: the total sample at which the sequence is tightest (5,000 by default). It holds at
 * every N at once, so reading it daily does not inflate the error rate as a repeated fixed interval does.
 */
import { logGamma } from '../models/special-functions';
import { newcombeDifferenceInterval, Z_95, type Interval } from '../journeys/proportion-intervals';

/** Users of one arm and how many of them converted. */
export interface ArmCounts {
  readonly users: number;
  readonly conversions: number;
}

export interface SequentialSettings {
  /** Significance level; 0.05 by default (a 95% sequence). */
  readonly alpha: number;
  /** S: the total sample (both arms) at which the sequence is tightest. */
  readonly tuningSample: number;
}

export const DEFAULT_SEQUENTIAL: SequentialSettings = { alpha: 0.05, tuningSample: 5_000 };

/** ρ for a two-sided sequence tightest at `tuningSample`. */
export function sequentialRho(alpha: number, tuningSample: number): number {
  const logInverseAlpha = -2 * Math.log(alpha);
  return Math.sqrt((logInverseAlpha + Math.log(logInverseAlpha + 1)) / tuningSample);
}

/** The half-width of the confidence sequence at total sample `n`, for per-observation variance `s2`. */
export function confidenceSequenceHalfWidth(s2: number, n: number, settings: SequentialSettings = DEFAULT_SEQUENTIAL): number {
  const rho = sequentialRho(settings.alpha, settings.tuningSample);
  const nRho2 = n * rho * rho;
  return Math.sqrt(s2) * Math.sqrt(((2 * (nRho2 + 1)) / (nRho2 * n)) * Math.log(Math.sqrt(nRho2 + 1) / settings.alpha));
}

function rate(arm: ArmCounts): number {
  return arm.conversions / arm.users;
}

function differenceVariance(treatment: ArmCounts, control: ArmCounts): number {
  const p1 = rate(treatment);
  const p0 = rate(control);
  return (p1 * (1 - p1)) / treatment.users + (p0 * (1 - p0)) / control.users;
}

export interface LiftInterval extends Interval {
  /** Treatment rate − control rate. */
  readonly estimate: number;
}

/**
 * The always-valid interval of treatment rate − control rate; undefined when an arm is empty.
 * With no variance yet (every rate 0 or 1) it is the whole range [−1, 1]: nothing is known.
 */
export function liftConfidenceSequence(treatment: ArmCounts, control: ArmCounts, settings: SequentialSettings = DEFAULT_SEQUENTIAL): LiftInterval | undefined {
  if (treatment.users === 0 || control.users === 0) return undefined;
  const estimate = rate(treatment) - rate(control);
  const n = treatment.users + control.users;
  const variance = differenceVariance(treatment, control);
  if (variance === 0) return { estimate, lower: -1, upper: 1 };
  const halfWidth = confidenceSequenceHalfWidth(variance * n, n, settings);
  return { estimate, lower: Math.max(-1, estimate - halfWidth), upper: Math.min(1, estimate + halfWidth) };
}

/** The fixed-horizon 95% interval (Newcombe's hybrid score), valid only when read once at the planned sample. */
export function liftFixedHorizonInterval(treatment: ArmCounts, control: ArmCounts): LiftInterval | undefined {
  const interval = newcombeDifferenceInterval(treatment.conversions, treatment.users, control.conversions, control.users, Z_95);
  if (interval === undefined) return undefined;
  return { estimate: rate(treatment) - rate(control), ...interval };
}

/**
 * The regularized upper incomplete gamma Q(a, x) = Γ(a, x) / Γ(a): the series for x < a + 1, the
 * continued fraction (modified Lentz) beyond, as Numerical Recipes §6.2 describes them.
 */
export function regularizedUpperGamma(a: number, x: number): number {
  if (x <= 0) return 1;
  const logPrefix = a * Math.log(x) - x - logGamma(a);
  if (x < a + 1) {
    let term = 1 / a;
    let sum = term;
    for (let n = 1; n < 1000 && Math.abs(term) > Math.abs(sum) * 1e-15; n++) {
      term *= x / (a + n);
      sum += term;
    }
    return Math.max(0, 1 - sum * Math.exp(logPrefix));
  }
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let fraction = d;
  for (let i = 1; i < 1000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    fraction *= delta;
    if (Math.abs(delta - 1) < 1e-15) break;
  }
  return Math.min(1, Math.exp(logPrefix) * fraction);
}

/** P(χ²_df ≥ statistic). */
export function chiSquareSurvival(statistic: number, degreesOfFreedom: number): number {
  return regularizedUpperGamma(degreesOfFreedom / 2, statistic / 2);
}

/** The p-value below which a sample ratio mismatch is flagged. */
export const SRM_P_VALUE_THRESHOLD = 0.001;

export interface SampleRatioCheck {
  readonly chiSquare: number;
  readonly degreesOfFreedom: number;
  readonly pValue: number;
  /** p < 0.001: the arms are not in the ratio they were assigned, so their comparison is not trusted. */
  readonly mismatch: boolean;
}

/**
 * Pearson's goodness-of-fit test of the users observed per arm against the shares they were
 * assigned (any positive weights; normalized here). Undefined with no users or a single arm.
 */
export function checkSampleRatio(observed: readonly number[], weights: readonly number[]): SampleRatioCheck | undefined {
  const total = observed.reduce((sum, count) => sum + count, 0);
  const weightTotal = weights.reduce((sum, weight) => sum + weight, 0);
  if (total === 0 || observed.length < 2 || observed.length !== weights.length) return undefined;
  const chiSquare = observed.reduce((sum, count, index) => {
    const expected = (total * weights[index]!) / weightTotal;
    return sum + (count - expected) ** 2 / expected;
  }, 0);
  const degreesOfFreedom = observed.length - 1;
  const pValue = chiSquareSurvival(chiSquare, degreesOfFreedom);
  return { chiSquare, degreesOfFreedom, pValue, mismatch: pValue < SRM_P_VALUE_THRESHOLD };
}
