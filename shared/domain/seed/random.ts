/**
 * A small seeded pseudo-random source and the few distributions the synthetic population needs.
 * Math.random cannot be seeded, and demo data must come out identical for the same seed on every
 * machine, so everything here is integer arithmetic on 32-bit state.
 */

/** A stream of uniform numbers in [0, 1), reproducible from its seed. */
export interface RandomSource {
  /** Uniform in [0, 1). */
  next(): number;
}

const UINT32_RANGE = 4_294_967_296;

/**
 * Mixes any number of 32-bit words into one well-scrambled 32-bit seed (murmur3's finaliser
 * after each word), so that neighbouring user indexes get unrelated streams.
 */
export function mixSeed(...words: readonly number[]): number {
  let hash = 0x9e3779b9;
  for (const word of words) {
    hash = Math.imul(hash ^ (word >>> 0), 0x85ebca6b);
    hash ^= hash >>> 13;
    hash = Math.imul(hash, 0xc2b2ae35);
    hash ^= hash >>> 16;
  }
  return hash >>> 0;
}

/**
 * Splits a safe integer into its low and high 32-bit words, so seeds and indexes above 2^32
 * still mix all their bits instead of wrapping around.
 */
export function wordsOfSafeInteger(value: number): [number, number] {
  const low = value % UINT32_RANGE;
  const high = Math.floor(value / UINT32_RANGE);
  return [low >>> 0, high >>> 0];
}

/**
 * mulberry32: one 32-bit word of state, fast, and good enough for simulation (not for secrets).
 * Its 2^32 period is ample because every user gets a fresh stream.
 */
export function mulberry32(seed: number): RandomSource {
  let state = seed >>> 0;
  return {
    next(): number {
      state = (state + 0x6d2b79f5) >>> 0;
      let t = state;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / UINT32_RANGE;
    },
  };
}

/** Uniform in [min, max). */
export function uniform(random: RandomSource, min: number, max: number): number {
  return min + (max - min) * random.next();
}

/** Uniform integer in [min, max], both ends included. */
export function integerBetween(random: RandomSource, min: number, max: number): number {
  return min + Math.floor(random.next() * (max - min + 1));
}

/** True with the given probability. */
export function chance(random: RandomSource, probability: number): boolean {
  return random.next() < probability;
}

/**
 * A weighted choice prepared once and drawn many times: the cumulative weights are summed up
 * front, which matters on the per-session hot path.
 */
export class WeightedChoice<T> {
  private readonly values: T[];
  private readonly cumulativeWeights: number[];
  private readonly totalWeight: number;

  constructor(options: readonly (readonly [T, number])[]) {
    if (options.length === 0) throw new RangeError('WeightedChoice needs at least one option');
    this.values = options.map(([value]) => value);
    let total = 0;
    this.cumulativeWeights = options.map(([, weight]) => (total += weight));
    this.totalWeight = total;
  }

  /** One of the options, each as likely as its weight. */
  pick(random: RandomSource): T {
    const target = random.next() * this.totalWeight;
    const last = this.values.length - 1;
    let index = 0;
    while (index < last && (this.cumulativeWeights[index] ?? 0) <= target) index += 1;
    return this.values[index] as T;
  }
}

/** One element of a non-empty list, uniformly. */
export function pickOne<T>(random: RandomSource, values: readonly T[]): T {
  const value = values[Math.floor(random.next() * values.length)];
  if (value === undefined) throw new RangeError('pickOne needs a non-empty list');
  return value;
}

/** Standard normal, by Box–Muller (one of the pair is dropped to keep the source stateless). */
export function standardNormal(random: RandomSource): number {
  // 1 - u keeps the logarithm's argument in (0, 1].
  const u = 1 - random.next();
  const v = random.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/**
 * Gamma(shape, scale) by Marsaglia & Tsang (2000); shapes below 1 use the usual boost
 * Gamma(a) = Gamma(a + 1) · U^(1/a). Mean = shape · scale.
 */
export function gamma(random: RandomSource, shape: number, scale: number): number {
  if (!(shape > 0) || !(scale > 0)) throw new RangeError(`gamma needs positive shape and scale, got ${shape}, ${scale}`);
  if (shape < 1) {
    const boost = Math.pow(1 - random.next(), 1 / shape);
    return gamma(random, shape + 1, scale) * boost;
  }
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = standardNormal(random);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = 1 - random.next();
    if (u < 1 - 0.0331 * x * x * x * x || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) {
      return d * v * scale;
    }
  }
}

/**
 * Poisson(mean). Knuth's product method is exact and cheap for the small daily means used here;
 * large means (never reached by the default habits) fall back to a rounded normal.
 */
export function poisson(random: RandomSource, mean: number): number {
  if (!(mean > 0)) return 0;
  if (mean > 30) return Math.max(0, Math.round(mean + Math.sqrt(mean) * standardNormal(random)));
  const limit = Math.exp(-mean);
  let count = 0;
  let product = random.next();
  while (product > limit) {
    count += 1;
    product *= random.next();
  }
  return count;
}
