import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { newcombeDifferenceInterval, waldDifferenceInterval, wilsonInterval, Z_95, type Interval } from '../../../shared/domain/journeys/proportion-intervals';

/** xorshift32: a seeded generator so the coverage simulation is reproducible. */
function seededUniform(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 2 ** 32;
  };
}

function drawBinomial(trials: number, probability: number, uniform: () => number): number {
  let successes = 0;
  for (let trial = 0; trial < trials; trial += 1) if (uniform() < probability) successes += 1;
  return successes;
}

function coverage(
  interval: (x1: number, n1: number, x2: number, n2: number) => Interval | undefined,
  scenario: { p1: number; n1: number; p2: number; n2: number },
  replicates: number,
  seed: number,
): number {
  const uniform = seededUniform(seed);
  const truth = scenario.p1 - scenario.p2;
  let covered = 0;
  for (let replicate = 0; replicate < replicates; replicate += 1) {
    const x1 = drawBinomial(scenario.n1, scenario.p1, uniform);
    const x2 = drawBinomial(scenario.n2, scenario.p2, uniform);
    const bounds = interval(x1, scenario.n1, x2, scenario.n2);
    if (bounds !== undefined && bounds.lower <= truth && truth <= bounds.upper) covered += 1;
  }
  return covered / replicates;
}

describe('wilsonInterval', () => {
  it('matches a hand computation for 56/70', () => {
    // Prepare: p = 0.8, z²/n = 3.841459/70 = 0.054878; centre = (0.8 + 0.027439)/1.054878 = 0.784398;
    // half width = (1.959964/1.054878)·√(0.16/70 + 3.841459/19600) = 1.858013·0.049817 = 0.092561.

    // Act
    const interval = wilsonInterval(56, 70);

    // Assess
    expect(interval?.lower).toBeCloseTo(0.691837, 4);
    expect(interval?.upper).toBeCloseTo(0.876959, 4);
  });

  it('gives [0, z²/(n + z²)] for zero successes', () => {
    // Prepare: with p = 0 the centre equals the half width, so the upper bound is z²/(n + z²).
    const expectedUpper = (Z_95 * Z_95) / (10 + Z_95 * Z_95);

    // Act
    const interval = wilsonInterval(0, 10);

    // Assess
    expect(interval?.lower).toBe(0);
    expect(interval?.upper).toBeCloseTo(expectedUpper, 12);
  });

  it('is undefined without trials', () => {
    expect(wilsonInterval(0, 0)).toBeUndefined();
  });
});

describe('newcombeDifferenceInterval', () => {
  it.each([
    // Newcombe (1998), Table II, method 10, to four decimals.
    [56, 70, 48, 80, 0.0524, 0.3339],
    [9, 10, 3, 10, 0.1705, 0.809],
    [6, 7, 2, 7, 0.0582, 0.8062],
    [5, 56, 0, 29, -0.0381, 0.1926],
    [0, 10, 0, 20, -0.1611, 0.2775],
    [0, 10, 0, 10, -0.2775, 0.2775],
    [10, 10, 0, 20, 0.6791, 1],
    [10, 10, 0, 10, 0.6075, 1],
  ])('reproduces the published interval for %i/%i − %i/%i', (x1, n1, x2, n2, lower, upper) => {
    // Prepare / Act
    const interval = newcombeDifferenceInterval(x1, n1, x2, n2);

    // Assess
    expect(interval?.lower).toBeCloseTo(lower, 4);
    expect(interval?.upper).toBeCloseTo(upper, 4);
  });

  it('does not collapse at zero rates, where Wald does', () => {
    // Prepare / Act
    const wald = waldDifferenceInterval(0, 10, 0, 20);
    const newcombe = newcombeDifferenceInterval(0, 10, 0, 20);

    // Assess
    expect(wald).toEqual({ lower: 0, upper: 0 });
    expect(newcombe!.upper - newcombe!.lower).toBeGreaterThan(0.4);
  });

  it('contains the estimate and stays within [−1, 1]', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 500 }).chain((n1) => fc.tuple(fc.constant(n1), fc.integer({ min: 0, max: n1 }))),
        fc.integer({ min: 1, max: 500 }).chain((n2) => fc.tuple(fc.constant(n2), fc.integer({ min: 0, max: n2 }))),
        ([n1, x1], [n2, x2]) => {
          // Prepare
          const difference = x1 / n1 - x2 / n2;

          // Act
          const interval = newcombeDifferenceInterval(x1, n1, x2, n2)!;

          // Assess
          expect(interval.lower).toBeLessThanOrEqual(difference + 1e-12);
          expect(interval.upper).toBeGreaterThanOrEqual(difference - 1e-12);
          expect(interval.lower).toBeGreaterThanOrEqual(-1 - 1e-12);
          expect(interval.upper).toBeLessThanOrEqual(1 + 1e-12);
        },
      ),
    );
  });

  it('narrows as both groups grow', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 20 }), (x1, x2) => {
        // Prepare: same rates, ten times the users.
        const small = newcombeDifferenceInterval(x1, 20, x2, 20)!;

        // Act
        const large = newcombeDifferenceInterval(10 * x1, 200, 10 * x2, 200)!;

        // Assess
        expect(large.upper - large.lower).toBeLessThan(small.upper - small.lower);
      }),
    );
  });

  it('covers the true difference about 95% of the time, at small counts better than Wald', () => {
    // Prepare: 2,000 replicates; the Monte Carlo standard error of a 95% coverage is about 0.005.
    const large = { p1: 0.3, n1: 400, p2: 0.2, n2: 100 };
    const small = { p1: 0.1, n1: 30, p2: 0.05, n2: 15 };

    // Act
    const newcombeLarge = coverage(newcombeDifferenceInterval, large, 2_000, 7);
    const newcombeSmall = coverage(newcombeDifferenceInterval, small, 2_000, 11);
    const waldSmall = coverage(waldDifferenceInterval, small, 2_000, 11);

    // Assess
    expect(newcombeLarge).toBeGreaterThan(0.93);
    expect(newcombeLarge).toBeLessThan(0.97);
    expect(newcombeSmall).toBeGreaterThan(0.92);
    expect(waldSmall).toBeLessThan(newcombeSmall);
  });
});
