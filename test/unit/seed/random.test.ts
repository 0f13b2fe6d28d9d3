import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gamma, integerBetween, mixSeed, mulberry32, poisson, WeightedChoice, type RandomSource } from '../../../shared/domain/seed/random';

function draws(random: RandomSource, count: number, draw: (random: RandomSource) => number): number[] {
  return Array.from({ length: count }, () => draw(random));
}

function meanOf(values: readonly number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

function varianceOf(values: readonly number[]): number {
  const mean = meanOf(values);
  return values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (values.length - 1);
}

describe('mulberry32', () => {
  it('replays the same sequence from the same seed and another from another seed', () => {
    // Prepare
    const first = mulberry32(42);
    const again = mulberry32(42);
    const other = mulberry32(43);

    // Act
    const firstDraws = draws(first, 5, (random) => random.next());
    const againDraws = draws(again, 5, (random) => random.next());
    const otherDraws = draws(other, 5, (random) => random.next());

    // Assess
    expect(againDraws).toEqual(firstDraws);
    expect(otherDraws).not.toEqual(firstDraws);
  });

  it('stays in [0, 1) for any seed', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), (seed) => {
        // Prepare
        const random = mulberry32(seed);

        // Act
        const values = draws(random, 50, (source) => source.next());

        // Assess
        return values.every((value) => value >= 0 && value < 1);
      }),
    );
  });
});

describe('mixSeed', () => {
  it('gives neighbouring user indexes unrelated seeds', () => {
    // Prepare
    const indexes = Array.from({ length: 1000 }, (_, index) => index);

    // Act
    const seeds = indexes.map((index) => mixSeed(42, 0, index, 0, 1));

    // Assess
    expect(new Set(seeds).size).toBe(seeds.length);
    const firstDrawMean = meanOf(seeds.map((seed) => mulberry32(seed).next()));
    expect(firstDrawMean).toBeGreaterThan(0.45);
    expect(firstDrawMean).toBeLessThan(0.55);
  });
});

describe('gamma', () => {
  it.each([
    { shape: 0.5, scale: 2 },
    { shape: 1.5, scale: 0.1 },
    { shape: 6, scale: 1.5 },
  ])('has mean shape·scale and variance shape·scale² for shape $shape', ({ shape, scale }) => {
    // Prepare
    const random = mulberry32(7);

    // Act
    const values = draws(random, 40_000, (source) => gamma(source, shape, scale));

    // Assess
    expect(values.every((value) => value > 0)).toBe(true);
    expect(meanOf(values)).toBeCloseTo(shape * scale, 1);
    expect(varianceOf(values) / (shape * scale * scale)).toBeGreaterThan(0.93);
    expect(varianceOf(values) / (shape * scale * scale)).toBeLessThan(1.07);
  });

  it('refuses a non-positive shape', () => {
    // Prepare
    const random = mulberry32(1);

    // Act
    const drawWithZeroShape = (): number => gamma(random, 0, 1);

    // Assess
    expect(drawWithZeroShape).toThrow(RangeError);
  });
});

describe('poisson', () => {
  it.each([0.05, 1.7, 12])('has mean and variance equal to %s', (mean) => {
    // Prepare
    const random = mulberry32(11);

    // Act
    const values = draws(random, 40_000, (source) => poisson(source, mean));

    // Assess
    expect(values.every((value) => Number.isInteger(value) && value >= 0)).toBe(true);
    expect(Math.abs(meanOf(values) - mean)).toBeLessThan(0.05 * mean + 0.01);
    expect(Math.abs(varianceOf(values) - mean)).toBeLessThan(0.08 * mean + 0.01);
  });
});

describe('integerBetween', () => {
  it('reaches both ends and nothing outside', () => {
    // Prepare
    const random = mulberry32(3);

    // Act
    const values = new Set(draws(random, 2000, (source) => integerBetween(source, 14, 17)));

    // Assess
    expect([...values].sort()).toEqual([14, 15, 16, 17]);
  });
});

describe('WeightedChoice', () => {
  it('picks each option as often as its weight', () => {
    // Prepare
    const choice = new WeightedChoice([
      ['rare', 1],
      ['common', 3],
      ['never', 0],
    ] as const);
    const random = mulberry32(5);

    // Act
    const picks = draws(random, 40_000, (source) => (choice.pick(source) === 'common' ? 1 : 0));
    const neverPicked = draws(random, 10_000, (source) => (choice.pick(source) === 'never' ? 1 : 0));

    // Assess
    expect(Math.abs(meanOf(picks) - 0.75)).toBeLessThan(0.01);
    expect(neverPicked.every((picked) => picked === 0)).toBe(true);
  });
});
