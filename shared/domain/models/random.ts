/**
 * A small seeded random source and the samplers the model tests and benchmarks need, so a
 * simulated population is the same on every run and every machine.
 */

/** A deterministic stream of uniforms in (0, 1). */
export interface RandomSource {
  uniform(): number;
}

/**
 * A seeded generator: a Weyl sequence (step 0x9E3779B9) through a 32-bit avalanche mix. Statistically
 * ample for simulation; not for anything that must be unpredictable.
 */
export function seededRandom(seed: number): RandomSource {
  let state = seed >>> 0;
  return {
    uniform: () => {
      state = (state + 0x9e3779b9) >>> 0;
      let mixed = state;
      mixed = Math.imul(mixed ^ (mixed >>> 16), 0x85ebca6b);
      mixed = Math.imul(mixed ^ (mixed >>> 13), 0xc2b2ae35);
      mixed ^= mixed >>> 16;
      // Shift into (0, 1): never exactly 0, so log(u) is always finite.
      return ((mixed >>> 0) + 0.5) / 4_294_967_296;
    },
  };
}

/** A standard normal deviate (Box–Muller; the second deviate is dropped for simplicity). */
export function sampleStandardNormal(random: RandomSource): number {
  const radius = Math.sqrt(-2 * Math.log(random.uniform()));
  return radius * Math.cos(2 * Math.PI * random.uniform());
}

/** An exponential deviate with the given rate. */
export function sampleExponential(random: RandomSource, rate: number): number {
  return -Math.log(random.uniform()) / rate;
}

/**
 * A Gamma(shape, rate) deviate: Marsaglia & Tsang (2000) for shape ≥ 1, and for shape < 1 their
 * boost Gamma(k) = Gamma(k + 1) · U^(1/k).
 */
export function sampleGamma(random: RandomSource, shape: number, rate: number): number {
  if (shape < 1) {
    return sampleGamma(random, shape + 1, rate) * Math.pow(random.uniform(), 1 / shape);
  }
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let normal: number;
    let v: number;
    do {
      normal = sampleStandardNormal(random);
      v = 1 + c * normal;
    } while (v <= 0);
    v = v * v * v;
    const u = random.uniform();
    if (u < 1 - 0.0331 * normal ** 4 || Math.log(u) < 0.5 * normal * normal + d * (1 - v + Math.log(v))) {
      return (d * v) / rate;
    }
  }
}

/** A Beta(a, b) deviate as X / (X + Y) with X ~ Gamma(a), Y ~ Gamma(b). */
export function sampleBeta(random: RandomSource, a: number, b: number): number {
  const x = sampleGamma(random, a, 1);
  const y = sampleGamma(random, b, 1);
  return x / (x + y);
}

/** A Poisson deviate by counting unit-rate exponential arrivals (fine for the small means used here). */
export function samplePoisson(random: RandomSource, mean: number): number {
  let count = 0;
  let elapsed = sampleExponential(random, 1);
  while (elapsed < mean) {
    count += 1;
    elapsed += sampleExponential(random, 1);
  }
  return count;
}
