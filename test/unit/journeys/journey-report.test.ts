import { describe, expect, it } from 'vitest';
import { buildJourneyReport } from '../../../shared/domain/journeys/journey-report';
import { outcome } from './fixtures';

/**
 * Treatment: 10 users (6 in R3, 4 in R4), 4 reactivated within 30 days of whom 3 within 7 days,
 * each of the 4 spending 10; 2 of the 4 used a feature they had not used before.
 * Holdout: 5 users (3 in R3, 2 in R4), 1 reactivated within 30 days (not within 7), spending 5.
 */
function example() {
  const treated = [
    outcome({
      userId: 't1',
      reactivatedWithin7d: true,
      reactivatedWithin30d: true,
      revenueAfterEnrollment: 10,
      opened: true,
      clicked: true,
      featuresUsedAfterReactivation: ['checkin'],
    }),
    outcome({
      userId: 't2',
      reactivatedWithin7d: true,
      reactivatedWithin30d: true,
      revenueAfterEnrollment: 10,
      opened: true,
      clicked: true,
      featuresUsedAfterReactivation: ['search', 'referral'],
    }),
    outcome({
      userId: 't3',
      reactivatedWithin7d: true,
      reactivatedWithin30d: true,
      revenueAfterEnrollment: 10,
      opened: true,
      featuresUsedAfterReactivation: ['search'],
    }),
    outcome({ userId: 't4', reactivatedWithin30d: true, revenueAfterEnrollment: 10, opened: true, featuresUsedAfterReactivation: ['search'] }),
    outcome({ userId: 't5' }),
    outcome({ userId: 't6', delivered: false }),
    outcome({ userId: 't7', tier: 'R4' }),
    outcome({ userId: 't8', tier: 'R4' }),
    outcome({ userId: 't9', tier: 'R4', skippedReasons: ['quiet-hours'] }),
    outcome({
      userId: 't10',
      tier: 'R4',
      contacted: false,
      delivered: false,
      skippedReasons: ['quiet-hours', 'budget'],
      notSentReasons: ['failed:template-error'],
    }),
  ];
  const heldOut = [
    outcome({ userId: 'h1', holdout: true, contacted: false, delivered: false, reactivatedWithin30d: true, revenueAfterEnrollment: 5 }),
    outcome({ userId: 'h2', holdout: true, contacted: false, delivered: false }),
    outcome({ userId: 'h3', holdout: true, contacted: false, delivered: false }),
    outcome({ userId: 'h4', holdout: true, contacted: false, delivered: false, tier: 'R4' }),
    outcome({ userId: 'h5', holdout: true, contacted: false, delivered: false, tier: 'R4' }),
  ];
  return [...treated, ...heldOut];
}

describe('buildJourneyReport', () => {
  it('reports the treatment funnel, skips by reason and sends that failed', () => {
    // Prepare
    const outcomes = example();

    // Act
    const { overall } = buildJourneyReport('recall-r3', outcomes);

    // Assess
    expect(overall.enrolled).toBe(15);
    expect(overall.treatment).toMatchObject({ enrolled: 10, contacted: 9, delivered: 8, opened: 4, clicked: 2 });
    expect(overall.treatment.skippedByReason).toEqual({ 'quiet-hours': 2, budget: 1 });
    expect(overall.treatment.notSentByReason).toEqual({ 'failed:template-error': 1 });
    expect(overall.treatment.contactRate).toBeCloseTo(9 / 10, 12);
    expect(overall.treatment.deliveryRate).toBeCloseTo(8 / 9, 12);
    expect(overall.treatment.openRate).toBeCloseTo(4 / 8, 12);
    expect(overall.treatment.clickRate).toBeCloseTo(2 / 8, 12);
  });

  it('computes lift with the Newcombe interval computed by hand', () => {
    // Prepare: 30 days: 4/10 vs 1/5, d = 0.2.
    // Wilson(4, 10) = [0.168180, 0.687326]; Wilson(1, 5) = [0.036225, 0.624465].
    // lower = 0.2 − √((0.4 − 0.168180)² + (0.624465 − 0.2)²) = 0.2 − √0.233911 = −0.283654
    // upper = 0.2 + √((0.687326 − 0.4)² + (0.2 − 0.036225)²) = 0.2 + √0.109378 = 0.530724
    const outcomes = example();

    // Act
    const { overall } = buildJourneyReport('recall-r3', outcomes);

    // Assess
    expect(overall.holdout.reactivationRate30d).toBeCloseTo(0.2, 12);
    expect(overall.liftWithin30d?.absolute).toBeCloseTo(0.2, 12);
    expect(overall.liftWithin30d?.confidence95.lower).toBeCloseTo(-0.283654, 4);
    expect(overall.liftWithin30d?.confidence95.upper).toBeCloseTo(0.530724, 4);
    expect(overall.liftWithin7d?.absolute).toBeCloseTo(0.3, 12);
  });

  it('computes incremental revenue and spill-over', () => {
    // Prepare: treatment mean 40/10 = 4, holdout mean 5/5 = 1: (4 − 1) × 10 treated = 30.
    // Spill-over: t1 (checkin) and t2 (referral) used a feature beyond "search": 2 of 4.
    const outcomes = example();

    // Act
    const { overall } = buildJourneyReport('recall-r3', outcomes);

    // Assess
    expect(overall.incrementalRevenue).toBeCloseTo(30, 12);
    expect(overall.treatment.spillOver).toEqual({ reactivated: 4, usedOtherFeatures: 2, share: 0.5 });
    expect(overall.holdout.spillOver).toEqual({ reactivated: 1, usedOtherFeatures: 0, share: 0 });
  });

  it('breaks the report down per tier and lists only tiers with users', () => {
    // Prepare
    const outcomes = example();

    // Act
    const report = buildJourneyReport('recall-r3', outcomes);

    // Assess
    expect(Object.keys(report.perTier)).toEqual(['R3', 'R4']);
    expect(report.perTier.R3?.treatment.reactivatedWithin30d).toBe(4);
    expect(report.perTier.R3?.holdout.enrolled).toBe(3);
    expect(report.perTier.R4?.liftWithin30d?.absolute).toBe(0);
  });

  it('gives no lift or incremental revenue without a holdout', () => {
    // Prepare
    const outcomes = example().filter((entry) => !entry.holdout);

    // Act
    const { overall } = buildJourneyReport('recall-r3', outcomes);

    // Assess
    expect(overall.liftWithin7d).toBeNull();
    expect(overall.liftWithin30d).toBeNull();
    expect(overall.incrementalRevenue).toBeNull();
    expect(overall.holdout.reactivationRate30d).toBeNull();
  });
});
