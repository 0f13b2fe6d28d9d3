import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  assignRecallTier,
  churnRisk,
  customerLifetimeValue,
  parseScoringConfig,
  RFM_SEGMENTS,
  rfmSegment,
  scorePopulation,
  scoreRfm,
  SilenceConfig,
  simulateUserFeatures,
  TierConfig,
  valueQuadrant,
  type RfmScore,
  type SilenceSignals,
} from '../../../shared/domain/models';

const scores: RfmScore[] = [1, 2, 3, 4, 5];

describe('RFM', () => {
  it('maps every score triple to one of the ten named segments, with the grid’s corners', () => {
    for (const r of scores) for (const f of scores) for (const m of scores) expect(RFM_SEGMENTS).toContain(rfmSegment(r, f, m));
    expect(rfmSegment(5, 5, 5)).toBe('Champions');
    expect(rfmSegment(5, 1, 1)).toBe('New');
    expect(rfmSegment(4, 1, 1)).toBe('Promising');
    expect(rfmSegment(1, 5, 5)).toBe("Can't Lose");
    expect(rfmSegment(2, 3, 4)).toBe('At Risk');
    expect(rfmSegment(3, 3, 3)).toBe('Need Attention');
    expect(rfmSegment(3, 1, 2)).toBe('About to Sleep');
    expect(rfmSegment(4, 5, 4)).toBe('Loyal');
    expect(rfmSegment(5, 2, 3)).toBe('Potential Loyalists');
    expect(rfmSegment(1, 1, 1)).toBe('Hibernating');
  });

  it('gives the most recent purchasers R = 5 and the biggest spenders M = 5, by quintile', () => {
    // Prepare: ten purchasers, user k bought k days ago, k times, for 10·k.
    const users = Array.from({ length: 10 }, (_, k) => ({ userId: `u${k}`, daysSinceLastPurchase: k + 1, purchaseCount: k + 1, totalSpend: 10 * (k + 1) }));
    // Act
    const result = scoreRfm(users);
    // Assess
    expect(result.map((user) => user.recency)).toEqual([5, 5, 4, 4, 3, 3, 2, 2, 1, 1]);
    expect(result.map((user) => user.monetary)).toEqual([1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
    expect(result.map((user) => user.frequency)).toEqual([1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
  });

  it('breaks ties deterministically: identical users fill the quintiles equally, whatever the input order', () => {
    // Prepare
    const users = Array.from({ length: 10 }, (_, k) => ({ userId: `same-${k}`, daysSinceLastPurchase: 3, purchaseCount: 2, totalSpend: 50 }));
    const byId = (list: ReturnType<typeof scoreRfm>) => new Map(list.map((user) => [user.userId, [user.recency, user.frequency, user.monetary]]));
    // Act
    const forward = scoreRfm(users);
    const backward = scoreRfm([...users].reverse());
    // Assess
    expect(byId(forward)).toEqual(byId(backward));
    for (const score of scores) expect(forward.filter((user) => user.monetary === score)).toHaveLength(2);
  });

  it('leaves users who never purchased out of the ranking, at 1 / 1 / 1', () => {
    const result = scoreRfm([
      { userId: 'buyer', daysSinceLastPurchase: 30, purchaseCount: 1, totalSpend: 5 },
      { userId: 'browser', daysSinceLastPurchase: null, purchaseCount: 0, totalSpend: 0 },
    ]);
    expect(result[0]).toMatchObject({ recency: 1, frequency: 1, monetary: 1 });
    expect(result[1]).toMatchObject({ recency: 1, frequency: 1, monetary: 1, segment: 'Hibernating' });
  });
});

describe('recall tiers', () => {
  const config = TierConfig.parse({});
  const quiet = { sessionsLast7Days: 0, sessionsPrior28Days: 0 };

  it('puts the silence boundaries at 7, 14, 30 and 90 days', () => {
    const tierAt = (days: number) => assignRecallTier({ daysSinceLastActivity: days, ...quiet }, 0, false, config);
    expect([6, 7, 13, 14, 29, 30, 89, 90, 400].map(tierAt)).toEqual(['active', 'R2', 'R2', 'R3', 'R3', 'R4', 'R4', 'R5', 'R5']);
  });

  it('tiers high-value users earlier, by the configured factor', () => {
    const tierAt = (days: number) => assignRecallTier({ daysSinceLastActivity: days, ...quiet }, 0, true, config);
    // Factor 0.5: thresholds 3.5, 7, 15, 45.
    expect([3, 4, 6, 7, 14, 15, 44, 45].map(tierAt)).toEqual(['active', 'R2', 'R2', 'R3', 'R3', 'R4', 'R4', 'R5']);
  });

  it('marks recently active users as cooling (R1) on a sharp drop or a high risk', () => {
    const active = { daysSinceLastActivity: 1, sessionsLast7Days: 7, sessionsPrior28Days: 28 };
    expect(assignRecallTier(active, 0.2, false, config)).toBe('active');
    // Half the earlier daily rate is the sharp-drop boundary.
    expect(assignRecallTier({ ...active, sessionsLast7Days: 3.5 }, 0.2, false, config)).toBe('R1');
    expect(assignRecallTier({ ...active, sessionsLast7Days: 3.6 }, 0.2, false, config)).toBe('active');
    expect(assignRecallTier(active, 0.6, false, config)).toBe('R1');
    expect(assignRecallTier(active, 0.5, true, config)).toBe('R1');
  });

  it('refuses thresholds out of order', () => {
    expect(() => TierConfig.parse({ silentDays: { r2: 20, r3: 14 } })).toThrow(/r2 < r3 < r4 < r5/);
  });
});

describe('silence score', () => {
  const config = SilenceConfig.parse({});
  const count = fc.integer({ min: 0, max: 200 });
  const signalsArbitrary = fc.record({
    daysSinceLastActivity: count,
    daysSinceLastPurchase: fc.option(count, { nil: null }),
    sessionsLast7Days: count,
    sessionsPrior28Days: count,
    coreFeatureUsesLast28Days: count,
    sessionsLast28Days: count,
    featureUsesPerSessionRecent: fc.double({ min: 0, max: 20, noNaN: true }),
    featureUsesPerSessionBefore: fc.double({ min: 0, max: 20, noNaN: true }),
    messagesReceived30Days: count,
    messageOpens30Days: count,
    messageClicks30Days: count,
  });
  const alive = fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: null });
  const step = fc.integer({ min: 1, max: 50 });

  const riskier: [keyof SilenceSignals, string][] = [
    ['daysSinceLastActivity', 'more days since last activity'],
    ['daysSinceLastPurchase', 'more days since last purchase'],
    ['sessionsPrior28Days', 'more earlier sessions (a steeper decline)'],
    ['featureUsesPerSessionBefore', 'deeper earlier sessions'],
    ['messagesReceived30Days', 'more messages received for the same engagement'],
  ];
  const safer: [keyof SilenceSignals, string][] = [
    ['sessionsLast7Days', 'more recent sessions'],
    ['coreFeatureUsesLast28Days', 'more core-feature use'],
    ['featureUsesPerSessionRecent', 'deeper recent sessions'],
    ['messageOpens30Days', 'more opens'],
    ['messageClicks30Days', 'more clicks'],
  ];

  it('stays in [0, 1]', () => {
    fc.assert(
      fc.property(signalsArbitrary, alive, (signals, probability) => {
        const risk = churnRisk(signals, probability, config);
        expect(risk).toBeGreaterThanOrEqual(0);
        expect(risk).toBeLessThanOrEqual(1);
      }),
    );
  });

  for (const [signal, description] of riskier) {
    it(`does not fall with ${description}`, () => {
      fc.assert(
        fc.property(signalsArbitrary, alive, step, (signals, probability, increase) => {
          const value = signals[signal];
          fc.pre(value !== null);
          // Zero messages received means the engagement signal is unknown and left out, not zero.
          fc.pre(signal !== 'messagesReceived30Days' || (value as number) > 0);
          const more = { ...signals, [signal]: (value as number) + increase };
          expect(churnRisk(more, probability, config)).toBeGreaterThanOrEqual(churnRisk(signals, probability, config) - 1e-12);
        }),
      );
    });
  }

  for (const [signal, description] of safer) {
    it(`does not rise with ${description}`, () => {
      fc.assert(
        fc.property(signalsArbitrary, alive, step, (signals, probability, increase) => {
          const more = { ...signals, [signal]: (signals[signal] as number) + increase };
          expect(churnRisk(more, probability, config)).toBeLessThanOrEqual(churnRisk(signals, probability, config) + 1e-12);
        }),
      );
    });
  }

  it('does not rise with a higher P(alive), and follows the weights exactly when only P(alive) differs', () => {
    fc.assert(
      fc.property(signalsArbitrary, fc.double({ min: 0, max: 0.9, noNaN: true }), (signals, probability) => {
        const low = churnRisk(signals, probability, config);
        const high = churnRisk(signals, probability + 0.1, config);
        expect(high).toBeLessThanOrEqual(low);
      }),
    );
    const onlyAlive = SilenceConfig.parse({
      weights: {
        daysSinceLastActivity: 0,
        daysSinceLastPurchase: 0,
        activityTrend: 0,
        coreFeatureUsage: 0,
        sessionDepthTrend: 0,
        messageEngagement: 0,
        probabilityAlive: 1,
      },
    });
    const signals = {
      daysSinceLastActivity: 3,
      daysSinceLastPurchase: 9,
      sessionsLast7Days: 1,
      sessionsPrior28Days: 1,
      coreFeatureUsesLast28Days: 0,
      sessionsLast28Days: 1,
      featureUsesPerSessionRecent: 1,
      featureUsesPerSessionBefore: 1,
      messagesReceived30Days: 0,
      messageOpens30Days: 0,
      messageClicks30Days: 0,
    };
    expect(churnRisk(signals, 0.3, onlyAlive)).toBeCloseTo(0.7, 14);
  });
});

describe('value quadrant', () => {
  it('splits current × future value strictly above the split points', () => {
    const splits = { current: 10, future: 5 };
    expect(valueQuadrant(11, 6, splits)).toBe('Star');
    expect(valueQuadrant(11, 5, splits)).toBe('Cash Cow');
    expect(valueQuadrant(10, 6, splits)).toBe('Question Mark');
    expect(valueQuadrant(0, 0, splits)).toBe('Dog');
  });
});

describe('scorePopulation', () => {
  const params = { bgnbd: { r: 0.24, alpha: 4.41, a: 0.79, b: 2.43 }, gammagamma: { p: 6.25, q: 3.74, v: 15.44 } };
  const config = parseScoringConfig({});
  const users = simulateUserFeatures(5_000, 3);

  it('has documented defaults filled from an empty configuration', () => {
    expect(config.clv).toEqual({ horizon: 52, periodLength: 4.345, discountRate: 0.01 });
    expect(config.tiers.silentDays).toEqual({ r2: 7, r3: 14, r4: 30, r5: 90 });
    expect(config.silence.weights.probabilityAlive).toBe(0.25);
  });

  it('gives the same scores whatever order the users come in', () => {
    const forward = scorePopulation(users, params, config);
    const backward = scorePopulation([...users].reverse(), params, config);
    const byId = new Map(backward.map((score) => [score.userId, score]));
    for (const score of forward) expect(byId.get(score.userId)).toEqual(score);
  });

  it('agrees with the single-customer models and fills CLV deciles evenly among purchasers', () => {
    // Act
    const result = scorePopulation(users, params, config);
    // Assess
    const purchasers = result.filter((score) => score.probabilityAlive !== null);
    for (let decile = 1; decile <= 10; decile += 1) {
      const share = purchasers.filter((score) => score.clvDecile === decile).length / purchasers.length;
      expect(Math.abs(share - 0.1)).toBeLessThan(0.001);
    }
    users.forEach((user, index) => {
      const score = result[index];
      if (!user.purchases) {
        expect(score).toMatchObject({ probabilityAlive: null, expectedSpend: null, clv: 0, clvDecile: null });
        return;
      }
      const expected = customerLifetimeValue({ bgnbd: params.bgnbd, gammaGamma: params.gammagamma }, user.purchases, config.clv);
      expect(score?.clv).toBeCloseTo(expected, 10);
    });
  });

  it('tiers a silent Champion earlier than an ordinary user', () => {
    const result = scorePopulation(users, params, config);
    const silentFiveDays = result.filter((score, index) => users[index]?.daysSinceLastActivity === 5);
    for (const score of silentFiveDays) {
      if (score.highValue) expect(score.tier).toBe('R2');
      else expect(['active', 'R1']).toContain(score.tier);
    }
    expect(silentFiveDays.some((score) => score.highValue)).toBe(true);
    expect(result.filter((score) => score.segment === 'Champions').every((score) => score.highValue)).toBe(true);
  });
});
