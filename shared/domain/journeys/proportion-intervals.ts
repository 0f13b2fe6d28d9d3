/**
 * Confidence intervals for proportions and their differences, used for the lift of a journey over
 * its holdout.
 *
 * The report uses Newcombe's hybrid score interval (Newcombe 1998, "Interval estimation for the
 * difference between independent proportions", Statistics in Medicine 17, method 10). It combines
 * the Wilson score intervals of the two groups, so unlike the Wald interval it stays inside
 * [−1, 1], does not collapse to a point when a rate is 0 or 1, and keeps its coverage close to 95%
 * at the small counts a per-tier holdout often has. Wald is kept for comparison only.
 */

/** The two-sided 95% normal quantile, Φ⁻¹(0.975). */
export const Z_95 = 1.959963984540054;

export interface Interval {
  readonly lower: number;
  readonly upper: number;
}

/** Wilson score interval for `successes` out of `trials`; undefined when there are no trials. */
export function wilsonInterval(successes: number, trials: number, z: number = Z_95): Interval | undefined {
  if (trials === 0) return undefined;
  const proportion = successes / trials;
  const zSquared = z * z;
  const denominator = 1 + zSquared / trials;
  const centre = (proportion + zSquared / (2 * trials)) / denominator;
  const halfWidth = (z / denominator) * Math.sqrt((proportion * (1 - proportion)) / trials + zSquared / (4 * trials * trials));
  // Clamp away rounding: at 0 or trials successes the exact bound is 0 or 1.
  return { lower: Math.max(0, centre - halfWidth), upper: Math.min(1, centre + halfWidth) };
}

/** Wald interval for p₁ − p₂; undefined when a group is empty. Too narrow at small counts and at 0 or 1. */
export function waldDifferenceInterval(successes1: number, trials1: number, successes2: number, trials2: number, z: number = Z_95): Interval | undefined {
  if (trials1 === 0 || trials2 === 0) return undefined;
  const p1 = successes1 / trials1;
  const p2 = successes2 / trials2;
  const halfWidth = z * Math.sqrt((p1 * (1 - p1)) / trials1 + (p2 * (1 - p2)) / trials2);
  return { lower: p1 - p2 - halfWidth, upper: p1 - p2 + halfWidth };
}

/**
 * Newcombe's hybrid score interval for p₁ − p₂ (method 10): with Wilson intervals (l₁, u₁) and
 * (l₂, u₂), lower = d − √((p₁ − l₁)² + (u₂ − p₂)²) and upper = d + √((u₁ − p₁)² + (p₂ − l₂)²).
 * Undefined when a group is empty.
 */
export function newcombeDifferenceInterval(successes1: number, trials1: number, successes2: number, trials2: number, z: number = Z_95): Interval | undefined {
  const interval1 = wilsonInterval(successes1, trials1, z);
  const interval2 = wilsonInterval(successes2, trials2, z);
  if (interval1 === undefined || interval2 === undefined) return undefined;
  const p1 = successes1 / trials1;
  const p2 = successes2 / trials2;
  const difference = p1 - p2;
  return {
    lower: difference - Math.hypot(p1 - interval1.lower, interval2.upper - p2),
    upper: difference + Math.hypot(interval1.upper - p1, p2 - interval2.lower),
  };
}
