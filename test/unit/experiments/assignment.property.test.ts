import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  assignmentBucket,
  assignVariant,
  BUCKETS,
  DEFAULT_GLOBAL_CONTROL,
  everyVariantHasBuckets,
  isInGlobalControl,
  variantBoundaries,
} from '../../../shared/domain/experiments';
import { chiSquareSurvival } from '../../../shared/domain/experiments/statistics';

const USERS = Array.from({ length: 4_000 }, (_, index) => `u-${String(index).padStart(6, '0')}`);
const salt = fc.string({ minLength: 1, maxLength: 20 });
const weights = fc.array(fc.integer({ min: 1, max: 100 }), { minLength: 2, maxLength: 5 });

describe('stable assignment into 10,000 buckets', () => {
  it('gives the same bucket and variant for the same salt and user, every time', () => {
    fc.assert(
      fc.property(salt, fc.string({ minLength: 1 }), weights, (experimentSalt, userId, variantWeights) => {
        // Prepare
        const variants = variantWeights.map((weight, index) => ({ id: `v${index}`, weight }));
        // Act
        const first = assignVariant(variants, experimentSalt, userId);
        const again = assignVariant([...variants], experimentSalt, userId);
        // Assess
        expect(again).toEqual(first);
        const bucket = assignmentBucket(experimentSalt, userId);
        expect(Number.isInteger(bucket) && bucket >= 0 && bucket < BUCKETS).toBe(true);
      }),
      { seed: 16, numRuns: 200 },
    );
  });

  it('matches the weights within a binomial tolerance', () => {
    fc.assert(
      fc.property(salt, weights, (experimentSalt, variantWeights) => {
        // Prepare
        const variants = variantWeights.map((weight, index) => ({ id: index, weight }));
        const boundaries = variantBoundaries(variantWeights);
        // Act
        const counts = variants.map(() => 0);
        for (const userId of USERS) counts[assignVariant(variants, experimentSalt, userId).id]! += 1;
        // Assess: within 5 standard deviations of the share each variant owns
        counts.forEach((count, index) => {
          const share = (boundaries[index]! - (index === 0 ? 0 : boundaries[index - 1]!)) / BUCKETS;
          const sd = Math.sqrt(USERS.length * share * (1 - share));
          expect(Math.abs(count - USERS.length * share)).toBeLessThanOrEqual(5 * sd + 1);
        });
      }),
      { seed: 16, numRuns: 40 },
    );
  });

  it('draws independently under two salts (chi-square on the 2×2 table, p > 0.0001)', () => {
    fc.assert(
      fc.property(salt, salt, (saltA, saltB) => {
        fc.pre(saltA !== saltB);
        // Prepare
        const halves = [
          { id: 0, weight: 1 },
          { id: 1, weight: 1 },
        ];
        const table = [
          [0, 0],
          [0, 0],
        ];
        // Act
        for (const userId of USERS) table[assignVariant(halves, saltA, userId).id]![assignVariant(halves, saltB, userId).id]! += 1;
        // Assess
        const rows = table.map((row) => row[0]! + row[1]!);
        const columns = [table[0]![0]! + table[1]![0]!, table[0]![1]! + table[1]![1]!];
        let statistic = 0;
        for (let r = 0; r < 2; r++)
          for (let c = 0; c < 2; c++) {
            const expected = (rows[r]! * columns[c]!) / USERS.length;
            statistic += (table[r]![c]! - expected) ** 2 / expected;
          }
        expect(chiSquareSurvival(statistic, 1)).toBeGreaterThan(0.0001);
      }),
      { seed: 16, numRuns: 15 },
    );
  });

  it('refuses weights too small to own a bucket', () => {
    expect(everyVariantHasBuckets([1, 1])).toBe(true);
    expect(everyVariantHasBuckets([1, 100_000])).toBe(false);
  });
});

describe('global control group', () => {
  it('holds about 5% of users by default, the same users every time, independent of journey salts', () => {
    // Act
    const inControl = USERS.filter((userId) => isInGlobalControl(userId, DEFAULT_GLOBAL_CONTROL));
    // Assess
    const sd = Math.sqrt(USERS.length * 0.05 * 0.95);
    expect(Math.abs(inControl.length - 200)).toBeLessThanOrEqual(5 * sd);
    expect(USERS.filter((userId) => isInGlobalControl(userId, DEFAULT_GLOBAL_CONTROL))).toEqual(inControl);
    expect(USERS.filter((userId) => isInGlobalControl(userId, { share: 0, salt: 'x' }))).toEqual([]);
  });
});
