/**
 * Stable assignment: who gets which variant, who is in a rollout stage, who is in the global
 * control group. Every draw is a bucket of a hash of (salt, user id), so the same user lands in the
 * same place on every machine, every retry and every re-entry, with nothing stored first, and two
 * salts draw independently of each other.
 *
 * bucket(salt, user) = ⌊ 10,000 × H₄₈(SHA-256(salt ‖ 0x00 ‖ user)) / 2⁴⁸ ⌋, where H₄₈ is the digest's
 * first 6 bytes read as a big-endian integer (48 uniform bits, exact in a double).
 */
import { createHash } from 'node:crypto';

/** Buckets a salt's users are spread over: weights and shares resolve to 0.01%. */
export const BUCKETS = 10_000;

const TWO_POW_48 = 2 ** 48;

/** The user's bucket in [0, 10,000) under `salt`. The NUL separator keeps ("ab", "c") and ("a", "bc") apart. */
export function assignmentBucket(salt: string, userId: string): number {
  const digest = createHash('sha256').update(`${salt}\u0000${userId}`, 'utf8').digest();
  return Math.floor((digest.readUIntBE(0, 6) * BUCKETS) / TWO_POW_48);
}

/**
 * The bucket boundaries of weighted variants: variant i owns [bounds[i − 1], bounds[i]) (bounds[−1] = 0),
 * each boundary rounded to the nearest bucket, the last always 10,000.
 */
export function variantBoundaries(weights: readonly number[]): number[] {
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  let cumulative = 0;
  return weights.map((weight, index) => {
    cumulative += weight;
    return index === weights.length - 1 ? BUCKETS : Math.round((BUCKETS * cumulative) / total);
  });
}

/** The index of the variant that owns `bucket`. */
export function variantIndexOfBucket(boundaries: readonly number[], bucket: number): number {
  const index = boundaries.findIndex((bound) => bucket < bound);
  return index === -1 ? boundaries.length - 1 : index;
}

/** The variant a user is assigned under `salt`, each as likely as its weight. */
export function assignVariant<T extends { readonly weight: number }>(variants: readonly T[], salt: string, userId: string): T {
  if (variants.length === 0) throw new RangeError('assignVariant needs at least one variant');
  return variants[variantIndexOfBucket(variantBoundaries(variants.map((variant) => variant.weight)), assignmentBucket(salt, userId))]!;
}

/** True when every variant owns at least one bucket (a weight too small for 1/10,000 owns none). */
export function everyVariantHasBuckets(weights: readonly number[]): boolean {
  const boundaries = variantBoundaries(weights);
  return boundaries.every((bound, index) => bound > (index === 0 ? 0 : boundaries[index - 1]!));
}

/** The experiment salt of a journey's send step: variants of different steps and journeys draw independently. */
export function sendStepSalt(journeyId: string, sendNumber: number): string {
  return `${journeyId}#send-${sendNumber}`;
}

/** The salt of a journey's rollout stages. */
export function rolloutSalt(journeyId: string): string {
  return `${journeyId}#rollout`;
}

/** The global control group: a share of all users who get no marketing at all, from any journey. */
export interface GlobalControlConfig {
  /** In [0, 0.5]; 0.05 by default. */
  readonly share: number;
  /** Its own salt, so it is independent of every journey's holdout, variants and stages. */
  readonly salt: string;
}

export const DEFAULT_GLOBAL_CONTROL: GlobalControlConfig = { share: 0.05, salt: 'rekindle-global-control' };

/** True when the user is in the global control group: bucket < share × 10,000. */
export function isInGlobalControl(userId: string, config: GlobalControlConfig): boolean {
  return assignmentBucket(config.salt, userId) < Math.round(config.share * BUCKETS);
}
