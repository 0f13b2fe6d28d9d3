import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AudienceFilter, matchesAudience, selectAudience } from '../../../shared/domain/journeys/audience';
import { scoredUser } from './fixtures';

describe('matchesAudience', () => {
  it('matches everyone with an empty filter', () => {
    // Prepare
    const users = [scoredUser({ userId: 'a' }), scoredUser({ userId: 'b', tier: null })];

    // Act
    const matched = selectAudience({}, users);

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
    const accepts = matchesAudience(parsedFilter, scoredUser({ userId: 'in', ...matching }));
    const rejects = matchesAudience(parsedFilter, scoredUser({ userId: 'out', ...notMatching }));

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
        const both = matchesAudience({ ...byRisk, ...bySilence }, user);

        // Assess
        expect(both).toBe(matchesAudience(byRisk, user) && matchesAudience(bySilence, user));
      }),
    );
  });
});
