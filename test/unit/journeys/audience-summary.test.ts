import { describe, expect, it } from 'vitest';
import { DEFAULT_JOURNEYS, previewFromSummary, previewJourneyLaunch, summarizeAudience } from '../../../shared/domain/journeys';
import { selectedUser } from '../../support/fakes/score-reader';
import { scoredUser } from './fixtures';

const NOW = new Date('2026-03-02T09:00:00.000Z');

/** 400 users over tiers, CLV, silence and consents, so every dimension has several cells. */
function population() {
  return Array.from({ length: 400 }, (_, i) =>
    scoredUser({
      userId: `u-${i}`,
      tier: (['R1', 'R2', 'R3', 'R4', null] as const)[i % 5]!,
      clv: (i * 37) % 3_000,
      daysSilent: (i * 7) % 120,
      churnRisk: ((i * 13) % 100) / 100,
      consents: { email: i % 3 !== 0, sms: i % 4 === 0, push: i % 2 === 0 },
    }),
  );
}

describe('the audience summary', () => {
  it('answers a filter on whole bands with the same counts as reading every user', () => {
    // Prepare
    const users = population();
    const summary = summarizeAudience(users.map(selectedUser), '2026-03-01', new Date('2026-03-02T03:00:00.000Z'));
    const tiers: string[] = ['R2', 'R3'];
    const filter = { tiers: ['R2' as const, 'R3' as const], clv: { min: 100 }, daysSilent: { min: 14, max: 89 }, requiredConsents: ['email' as const] };
    const definition = DEFAULT_JOURNEYS.R3;
    const matchedUsers = users.filter(
      (user) => user.tier !== null && tiers.includes(user.tier) && user.clv >= 100 && user.daysSilent >= 14 && user.daysSilent <= 89 && user.consents.email,
    );

    // Act
    const preview = previewFromSummary(definition, filter, summary, NOW);

    // Assess
    const scanned = previewJourneyLaunch(definition, matchedUsers.map(selectedUser));
    expect(preview).toMatchObject({ source: 'audience-summary', exact: true, inexactCriteria: [], scoredOn: '2026-03-01', ageHours: 6 });
    expect(preview.matched).toBe(scanned.matched);
    expect(preview.reachable).toBe(scanned.reachable);
    expect(Math.abs(preview.holdout - scanned.holdout)).toBeLessThanOrEqual(Math.max(3, scanned.reachable * 0.1));
    expect(preview.transitionsPerTreatedUser).toBe(scanned.transitionsPerTreatedUser);
    expect(preview.costUsd.total).toBeGreaterThan(0);
  });

  it('says which range criteria fall inside a band, and then counts an upper bound', () => {
    // Prepare
    const users = population();
    const summary = summarizeAudience(users.map(selectedUser), '2026-03-01', NOW);
    const exactCount = users.filter((user) => user.clv >= 120 && user.clv <= 130).length;

    // Act
    const preview = previewFromSummary(DEFAULT_JOURNEYS.R3, { clv: { min: 120, max: 130 } }, summary, NOW);

    // Assess
    expect(preview).toMatchObject({ exact: false, inexactCriteria: ['clv'] });
    expect(preview.matched).toBeGreaterThanOrEqual(exactCount);
    expect(preview.matched).toBe(users.filter((user) => user.clv >= 100 && user.clv < 250).length);
  });

  it('keeps one cell per combination of dimensions, counting its users', () => {
    // Prepare
    const users = [scoredUser({ userId: 'a' }), scoredUser({ userId: 'b' }), scoredUser({ userId: 'c', locale: 'zh-CN' })];

    // Act
    const summary = summarizeAudience(users.map(selectedUser), '2026-03-01', NOW);

    // Assess
    expect(summary.users).toBe(3);
    expect(summary.cells.map((cell) => [cell.locale, cell.count])).toEqual([
      ['en', 2],
      ['zh-CN', 1],
    ]);
  });
});
