import { describe, expect, it } from 'vitest';
import { assertOneAutomaticJourneyPerTier, automaticJourneyFor } from '../../../shared/domain/journeys/automatic-recall';
import { DEFAULT_JOURNEYS } from '../../../shared/domain/journeys/default-journeys';
import { JourneyInputInvalid } from '../../../shared/domain/journeys/errors';

const automaticR3 = { ...DEFAULT_JOURNEYS.R3, automatic: true };
const running = [DEFAULT_JOURNEYS.R2, automaticR3, DEFAULT_JOURNEYS.R4];

describe('automaticJourneyFor', () => {
  it('enrolls a user who moved into a tier whose journey opted in', () => {
    // Prepare / Act
    const journey = automaticJourneyFor({ userId: 'u', fromTier: 'R2', toTier: 'R3' }, running);

    // Assess
    expect(journey?.id).toBe('recall-r3');
  });

  it.each([
    ['a tier without an automatic journey', { fromTier: 'R3' as const, toTier: 'R4' as const }],
    ['a user who left the tiers', { fromTier: 'R3' as const, toTier: null }],
    ['an unchanged tier', { fromTier: 'R3' as const, toTier: 'R3' as const }],
  ])('enrolls nobody for %s', (_label, change) => {
    // Prepare / Act
    const journey = automaticJourneyFor({ userId: 'u', ...change }, running);

    // Assess
    expect(journey).toBeUndefined();
  });
});

describe('assertOneAutomaticJourneyPerTier', () => {
  it('refuses two automatic journeys on one tier', () => {
    // Prepare
    const competing = [automaticR3, { ...automaticR3, id: 'recall-r3-spring' }];

    // Act
    const act = () => assertOneAutomaticJourneyPerTier(competing);

    // Assess
    expect(act).toThrowError(JourneyInputInvalid);
    expect(act).toThrowError(/R3 .*recall-r3, recall-r3-spring/);
    expect(() => assertOneAutomaticJourneyPerTier(running)).not.toThrow();
  });
});
