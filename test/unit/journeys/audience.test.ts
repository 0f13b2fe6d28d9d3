import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AudienceFilter,
  bandedScoreMeets,
  bandedScoreOf,
  matchesAudience,
  matchesScoreCriteria,
  RfmSegment,
  ValueQuadrant,
  type ScoreCriteria,
} from '../../../shared/domain/journeys/audience';
import { RecallTier } from '../../../shared/domain/journeys/journey-definition';
import { scoredUser } from './fixtures';

describe('matchesAudience', () => {
  it('matches everyone with an empty filter', () => {
    // Prepare
    const users = [scoredUser({ userId: 'a' }), scoredUser({ userId: 'b', tier: null })];

    // Act
    const matched = users.filter((user) => matchesAudience({}, user, user));

    // Assess
    expect(matched.map((user) => user.userId)).toEqual(['a', 'b']);
  });

  it.each([
    ['tier', { tiers: ['R4' as const] }, { tier: 'R4' as const }, { tier: 'R3' as const }],
    ['untiered user on a tier filter', { tiers: ['R3' as const] }, { tier: 'R3' as const }, { tier: null }],
    ['segment', { segments: ['cant-lose' as const] }, { segment: 'cant-lose' as const }, { segment: 'loyal' as const }],
    ['quadrant', { quadrants: ['star' as const] }, { quadrant: 'star' as const }, { quadrant: 'dog' as const }],
    ['churn risk upper bound (inclusive)', { churnRisk: { min: 0.5, max: 0.8 } }, { churnRisk: 0.8 }, { churnRisk: 0.81 }],
    ['churn risk lower bound (inclusive)', { churnRisk: { min: 0.5 } }, { churnRisk: 0.5 }, { churnRisk: 0.49 }],
    ['days silent', { daysSilent: { min: 14, max: 29 } }, { daysSilent: 14 }, { daysSilent: 30 }],
    ['CLV', { clv: { min: 100 } }, { clv: 100 }, { clv: 99.99 }],
    ['locale', { locales: ['zh-CN'] }, { locale: 'zh-CN' }, { locale: 'en' }],
    ['required consent', { requiredConsents: ['sms' as const] }, {}, { consents: { email: true, sms: false, push: true } }],
  ])('filters on %s', (_label, filter, matching, notMatching) => {
    // Prepare
    const parsedFilter = AudienceFilter.parse(filter);

    // Act
    const accepted = scoredUser({ userId: 'in', ...matching });
    const rejected = scoredUser({ userId: 'out', ...notMatching });
    const accepts = matchesAudience(parsedFilter, accepted, accepted);
    const rejects = matchesAudience(parsedFilter, rejected, rejected);

    // Assess
    expect(accepts).toBe(true);
    expect(rejects).toBe(false);
  });

  it('refuses a range whose min exceeds its max, naming the field', () => {
    // Prepare / Act
    const result = AudienceFilter.safeParse({ daysSilent: { min: 30, max: 7 } });

    // Assess
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['daysSilent', 'max']);
  });

  it('combines criteria as a conjunction', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 0, max: 200 }), (churnRisk, daysSilent) => {
        // Prepare
        const user = scoredUser({ userId: 'u', churnRisk, daysSilent });
        const byRisk = { churnRisk: { min: 0.5 } };
        const bySilence = { daysSilent: { max: 60 } };

        // Act
        const both = matchesAudience({ ...byRisk, ...bySilence }, user, user);

        // Assess
        expect(both).toBe(matchesAudience(byRisk, user, user) && matchesAudience(bySilence, user, user));
      }),
    );
  });
});

const range = (values: fc.Arbitrary<number>) =>
  fc.option(fc.tuple(fc.option(values, { nil: undefined }), fc.option(values, { nil: undefined })), { nil: undefined }).map((bounds) => {
    if (bounds === undefined) return undefined;
    const [a, b] = bounds;
    return a !== undefined && b !== undefined && a > b ? { min: b, max: a } : { min: a, max: b };
  });

/** Criteria over every score dimension, with range ends on and off the bands' edges. */
const criteria: fc.Arbitrary<ScoreCriteria> = fc.record(
  {
    tiers: fc.uniqueArray(fc.constantFrom(...RecallTier.options), { minLength: 1 }),
    segments: fc.uniqueArray(fc.constantFrom(...RfmSegment.options), { minLength: 1 }),
    quadrants: fc.uniqueArray(fc.constantFrom(...ValueQuadrant.options), { minLength: 1 }),
    churnRisk: range(fc.oneof(fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom(0, 0.1, 0.5, 0.9, 1))),
    daysSilent: range(fc.integer({ min: 0, max: 200 })),
    clv: range(fc.oneof(fc.double({ min: 0, max: 6_000, noNaN: true }), fc.constantFrom(0, 10, 50, 100, 250, 500, 1_000, 5_000))),
  },
  { requiredKeys: [] },
);

describe('bandedScoreMeets', () => {
  it('is never wrong when it settles: "all" only for matching scores, "none" only for others', () => {
    fc.assert(
      fc.property(
        criteria,
        fc.record({
          tier: fc.option(fc.constantFrom(...RecallTier.options), { nil: null }),
          segment: fc.constantFrom(...RfmSegment.options),
          quadrant: fc.constantFrom(...ValueQuadrant.options),
          churnRisk: fc.oneof(fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom(0, 0.1, 0.5, 0.95, 1)),
          daysSilent: fc.integer({ min: 0, max: 200 }),
          clv: fc.oneof(fc.double({ min: 0, max: 6_000, noNaN: true }), fc.constantFrom(0, 9.99, 10, 100, 249.5, 5_000)),
        }),
        (criteria, score) => {
          // Prepare
          const exact = { userId: 'u', ...score };

          // Act
          const meets = bandedScoreMeets(criteria, bandedScoreOf(exact));

          // Assess
          if (meets === 'all') expect(matchesScoreCriteria(criteria, exact)).toBe(true);
          if (meets === 'none') expect(matchesScoreCriteria(criteria, exact)).toBe(false);
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it('settles a CLV range that ends on band edges without the exact score, and leaves churn-risk ranges to it', () => {
    // Prepare
    const score = bandedScoreOf({ userId: 'u', tier: 'R3', segment: 'at-risk', quadrant: 'dog', churnRisk: 0.73, daysSilent: 20, clv: 120 });

    // Act / Assess
    expect(bandedScoreMeets({ clv: { min: 100, max: 250 }, churnRisk: { min: 0, max: 1 } }, score)).toBe('all');
    expect(bandedScoreMeets({ clv: { min: 250 } }, score)).toBe('none');
    expect(bandedScoreMeets({ clv: { min: 110 } }, score)).toBe('some');
    expect(bandedScoreMeets({ churnRisk: { min: 0.7, max: 0.8 } }, score)).toBe('some');
    expect(bandedScoreMeets({ tiers: ['R4'] }, score)).toBe('none');
  });
});
