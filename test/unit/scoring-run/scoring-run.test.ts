import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { aggregateDay, type DailyActivity } from '../../../shared/domain/events/daily-activity';
import { parseScoringConfig, scorePopulation, simulateUserFeatures, type UserScore } from '../../../shared/domain/models';
import {
  buildScoringReference,
  decideScoreWrite,
  emptyCounts,
  featuresOf,
  InvalidRunDateError,
  mergeCounts,
  nightlyRunCost,
  estimatedAwsLambdaMs,
  ASSUMED_AWS_LATENCY_MS,
  nightlyTransitions,
  runDateOf,
  runExecutionName,
  scoreAgainstReference,
  tally,
  type RunSummary,
} from '../../../shared/domain/scoring-run';

const config = parseScoringConfig({});
const params = { bgnbd: { r: 0.24, alpha: 4.41, a: 0.79, b: 2.43 }, gammagamma: { p: 6.25, q: 3.74, v: 15.44 } };

function day(date: string, fields: Partial<DailyActivity> = {}): DailyActivity {
  // An empty day from the aggregation rule itself, with one event between 10:00 and 11:00.
  return { ...aggregateDay('u1', date, []), eventCount: 1, firstEventAt: `${date}T10:00:00.000Z`, lastEventAt: `${date}T11:00:00.000Z`, ...fields };
}

const options = { runDate: '2025-03-31', coreFeatures: new Set(['playlist']), timeUnit: 'week' as const };

describe('features from daily aggregates', () => {
  it('counts windows back from the run date and ignores days after it', () => {
    // Prepare
    const days = [
      day('2025-03-31', { sessions: 2, featureUses: { playlist: 3, share: 1 } }), // age 0: last 7
      day('2025-03-25', { sessions: 1 }), // age 6: last 7
      day('2025-03-24', { sessions: 4, featureUses: { playlist: 2 } }), // age 7: the 28 before
      day('2025-02-25', { sessions: 8 }), // age 34: the 28 before, outside the last 28
      day('2025-02-24', { sessions: 16 }), // age 35: outside every window
      day('2025-04-01', { sessions: 32 }), // after the run date
      day('2025-03-20', { messageOpens: 2, messageClicks: 1, eventCount: 3 }),
    ];

    // Act
    const features = featuresOf({ userId: 'u1', createdAt: null, days }, options);

    // Assess
    expect(features).toMatchObject({
      daysSinceLastActivity: 0,
      daysSinceLastPurchase: null,
      sessionsLast7Days: 3,
      sessionsPrior28Days: 12,
      sessionsLast28Days: 7,
      coreFeatureUsesLast28Days: 5,
      featureUsesPerSessionRecent: 4 / 3,
      featureUsesPerSessionBefore: 2 / 12,
      messageOpens30Days: 2,
      messageClicks30Days: 1,
      purchases: null,
    });
  });

  it('measures silence from the last active day, message opens not counting as presence', () => {
    // Prepare
    const days = [day('2025-03-10', { sessions: 1 }), day('2025-03-30', { messageOpens: 1 })];

    // Act
    const features = featuresOf({ userId: 'u1', createdAt: '2025-01-01T00:00:00.000Z', days }, options);
    const never = featuresOf({ userId: 'u2', createdAt: '2025-03-01T08:00:00.000Z', days: [] }, options);

    // Assess
    expect(features.daysSinceLastActivity).toBe(21);
    expect(never.daysSinceLastActivity).toBe(30);
  });

  it('summarises purchases in weeks, same-week purchases merged, as BG/NBD wants them', () => {
    // Prepare: Mondays 2025-03-03, 03-10 (two purchases), 03-24; run date Monday 03-31.
    const days = [
      day('2025-03-03', { purchases: 1, purchaseAmount: 10 }),
      day('2025-03-10', { purchases: 1, purchaseAmount: 20 }),
      day('2025-03-12', { purchases: 1, purchaseAmount: 5 }),
      day('2025-03-24', { purchases: 1, purchaseAmount: 30 }),
    ];

    // Act
    const features = featuresOf({ userId: 'u1', createdAt: null, days }, options);

    // Assess
    expect(features.daysSinceLastPurchase).toBe(7);
    expect(features.purchases).toEqual({ frequency: 2, recency: 3, T: 4, monetaryValue: 27.5, totalSpend: 65 });
  });
});

describe('scoring against the run reference', () => {
  it('gives exactly the pure core’s scores when the sample is the whole population', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 400 }), fc.integer({ min: 1, max: 1_000_000 }), (count, seed) => {
        // Prepare
        const users = simulateUserFeatures(count, seed);
        const reference = buildScoringReference(users, params, config);

        // Act
        const sliced = [
          ...scoreAgainstReference(users.slice(0, count >> 1), params, config, reference),
          ...scoreAgainstReference(users.slice(count >> 1), params, config, reference),
        ];

        // Assess
        expect(sliced).toEqual(scorePopulation(users, params, config));
      }),
      { numRuns: 25 },
    );
  });

  it('ranks a slice from a sample deterministically, whatever order it is read in', () => {
    // Prepare
    const users = simulateUserFeatures(2_000, 7);
    const reference = buildScoringReference(users.slice(0, 500), params, config);

    // Act
    const forward = scoreAgainstReference(users, params, config, reference);
    const backward = scoreAgainstReference([...users].reverse(), params, config, reference).reverse();

    // Assess
    expect(backward).toEqual(forward);
    const purchasers = forward.filter((score) => score.probabilityAlive !== null);
    const top = purchasers.filter((score) => score.monetaryScore === 5).length / purchasers.length;
    expect(top).toBeGreaterThan(0.15);
    expect(top).toBeLessThan(0.25);
  });
});

describe('what a run writes', () => {
  const [score] = scorePopulation(simulateUserFeatures(1, 3), params, config) as [UserScore];

  it('writes a first score, reports a tier event only for a recall tier, then writes nothing for the same score', () => {
    // Act
    const first = decideScoreWrite({ ...score, tier: 'R3' }, null, '2025-03-31');
    const firstActive = decideScoreWrite({ ...score, tier: 'active' }, null, '2025-03-31');
    const again = first.kind === 'write' ? decideScoreWrite({ ...score, tier: 'R3', churnRisk: score.churnRisk + 0.001 }, first.item, '2025-04-01') : null;

    // Assess
    expect(first).toMatchObject({ kind: 'write', tierChange: { userId: score.userId, from: null, to: 'R3', date: '2025-03-31' } });
    expect(firstActive).toMatchObject({ kind: 'write', tierChange: null });
    expect(again).toEqual({ kind: 'unchanged' });
  });

  it('writes an unchanged score again as it was when the stored item is stale, reporting nothing', () => {
    // Prepare
    const stored = decideScoreWrite({ ...score, tier: 'R2', churnRisk: 0.3 }, null, '2025-03-01');
    if (stored.kind !== 'write') throw new Error('expected a write');

    // Act
    const rewritten = decideScoreWrite({ ...score, tier: 'R2', churnRisk: 0.3 }, stored.item, '2025-03-09', { rewrite: true });
    const moved = decideScoreWrite({ ...score, tier: 'R3', churnRisk: 0.3 }, stored.item, '2025-03-09', { rewrite: true });

    // Assess
    expect(rewritten).toEqual({ kind: 'write', item: stored.item, tierChange: null });
    expect(moved).toMatchObject({ kind: 'write', item: { tier: 'R3', tierSince: '2025-03-09' }, tierChange: { from: 'R2', to: 'R3' } });
  });

  it('writes the profile’s reach with the score, and an unchanged score again, dates kept, when only the reach changed', () => {
    // Prepare
    const reach = { locale: 'zh-CN', consents: { email: true, sms: false, push: false } };
    const stored = decideScoreWrite({ ...score, tier: 'R2', churnRisk: 0.3 }, null, '2025-03-01', { reach });
    if (stored.kind !== 'write') throw new Error('expected a write');
    const optedIn = { ...reach, consents: { ...reach.consents, sms: true } };

    // Act
    const same = decideScoreWrite({ ...score, tier: 'R2', churnRisk: 0.3 }, stored.item, '2025-03-09', { reach: { ...reach } });
    const moved = decideScoreWrite({ ...score, tier: 'R2', churnRisk: 0.3 }, stored.item, '2025-03-09', { reach: optedIn });
    const relocated = decideScoreWrite({ ...score, tier: 'R2', churnRisk: 0.3 }, stored.item, '2025-03-09', { reach: { ...reach, locale: 'en' } });
    const gone = decideScoreWrite({ ...score, tier: 'R2', churnRisk: 0.3 }, stored.item, '2025-03-09');

    // Assess
    expect(stored.item.reach).toEqual(reach);
    expect(same).toEqual({ kind: 'unchanged' });
    expect(moved).toEqual({ kind: 'write', item: { ...stored.item, reach: optedIn }, tierChange: null });
    expect(relocated).toEqual({ kind: 'write', item: { ...stored.item, reach: { ...reach, locale: 'en' } }, tierChange: null });
    const { reach: _dropped, ...withoutReach } = stored.item;
    expect(gone).toEqual({ kind: 'write', item: withoutReach, tierChange: null });
  });

  it('reports a move between tiers and keeps tierSince while the tier holds', () => {
    // Prepare
    const stored = decideScoreWrite({ ...score, tier: 'R2', churnRisk: 0.3 }, null, '2025-03-01');
    if (stored.kind !== 'write') throw new Error('expected a write');

    // Act
    const moved = decideScoreWrite({ ...score, tier: 'R3', churnRisk: 0.3 }, stored.item, '2025-03-08');
    const drifted = decideScoreWrite({ ...score, tier: 'R2', churnRisk: 0.4 }, stored.item, '2025-03-05');

    // Assess
    expect(moved).toMatchObject({ kind: 'write', item: { tier: 'R3', tierSince: '2025-03-08' }, tierChange: { from: 'R2', to: 'R3' } });
    expect(drifted).toMatchObject({ kind: 'write', item: { tier: 'R2', tierSince: '2025-03-01', scoredOn: '2025-03-05', churnRisk: 0.4 }, tierChange: null });
  });
  it('stores bands, so a drift inside a band rewrites nothing and a move across one does', () => {
    // Prepare: 0.31 and 0.32 both band to 0.30; CLV 1,234 and 1,249 both to 1,200 (two figures).
    const stored = decideScoreWrite({ ...score, tier: 'R2', churnRisk: 0.31, clv: 1_234 }, null, '2025-03-01');
    if (stored.kind !== 'write') throw new Error('expected a write');

    // Act
    const inside = decideScoreWrite({ ...score, tier: 'R2', churnRisk: 0.32, clv: 1_249 }, stored.item, '2025-03-02');
    const across = decideScoreWrite({ ...score, tier: 'R2', churnRisk: 0.33, clv: 1_249 }, stored.item, '2025-03-02');

    // Assess
    expect(stored.item).toMatchObject({ churnRisk: 0.3, clv: 1_200 });
    expect(inside).toEqual({ kind: 'unchanged' });
    expect(across).toMatchObject({ kind: 'write', item: { churnRisk: 0.35 } });
  });
});

describe('run dates, names, counts and cost', () => {
  it('takes a day, the UTC day of a scheduled time, or today; refuses anything else', () => {
    const now = new Date('2025-03-31T12:00:00Z');
    expect(runDateOf('2025-02-28', now)).toBe('2025-02-28');
    expect(runDateOf('2025-03-30T18:00:00Z', now)).toBe('2025-03-30');
    expect(runDateOf(undefined, now)).toBe('2025-03-31');
    expect(() => runDateOf('2025-02-30', now)).toThrow(InvalidRunDateError);
    expect(() => runDateOf('yesterday', now)).toThrow(InvalidRunDateError);
    expect([1, 2, 3].map((attempt) => runExecutionName('2025-03-31', attempt))).toEqual([
      'scoring-2025-03-31',
      'scoring-2025-03-31-r2',
      'scoring-2025-03-31-r3',
    ]);
  });

  it('adds counts so that tiers, segments and quadrants each sum to the users scored', () => {
    // Prepare
    const scores = scorePopulation(simulateUserFeatures(300, 5), params, config);
    const left = emptyCounts();
    const right = emptyCounts();
    tally(left, scores.slice(0, 100));
    tally(right, scores.slice(100));

    // Act
    const total = mergeCounts(left, right);

    // Assess
    const sum = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);
    expect(total.usersScored).toBe(300);
    expect([sum(total.tiers), sum(total.segments), sum(total.quadrants)]).toEqual([300, 300, 300]);
  });

  it('prices a run from its units at on-demand prices, scaled to the population', () => {
    // Prepare
    const totals = { ...emptyCounts(), usersScored: 1_000, readUnits: 2_000, writeUnits: 400, invocations: 8, lambdaMs: 8_000 };
    const summary: RunSummary = {
      runId: 'r',
      date: '2025-03-31',
      paramsVersion: 'p',
      refitted: false,
      totalSegments: 8,
      startedAt: '2025-03-31T00:00:00.000Z',
      finishedAt: '2025-03-31T00:00:10.000Z',
      durationMs: 10_000,
      stateTransitions: nightlyTransitions(8, 8),
      sampleReadUnits: 0,
      lambdaMemoryMb: 1024,
      totals,
    };

    // Act
    const cost = nightlyRunCost(summary, 1_000_000);

    // Assess: 2M RRU = 0.25, 0.4M WRU = 0.25, 8,000 GB-s = 0.1067, 8,002 requests, 16,011 transitions.
    expect(cost.usd.reads).toBeCloseTo(0.25, 10);
    expect(cost.usd.writes).toBeCloseTo(0.25, 10);
    expect(cost.lambdaGbSeconds).toBeCloseTo(8_000, 6);
    expect(cost.stateTransitions).toBe(nightlyTransitions(8, 8_000));
    expect(cost.usd.total).toBeCloseTo(0.25 + 0.25 + 8_000 * 0.0000133334 + (8_002 / 1e6) * 0.2 + (nightlyTransitions(8, 8_000) / 1000) * 0.025, 10);
  });

  it('estimates AWS Lambda time from CPU time plus every scan page and batch write at the assumed latencies', () => {
    // Prepare: 1,280 scan read units (ten full 1 MB pages) beside 300 of sampling, 8 invocations
    // (each ending in a short page), 60 items written (three batches).
    const totals = { ...emptyCounts(), usersScored: 1_000, readUnits: 1_580, itemsWritten: 60, writeUnits: 60, invocations: 8, lambdaMs: 99_000 };
    const summary: RunSummary = {
      runId: 'r',
      date: '2025-03-31',
      paramsVersion: 'p',
      refitted: false,
      totalSegments: 8,
      startedAt: '2025-03-31T00:00:00.000Z',
      finishedAt: '2025-03-31T00:00:10.000Z',
      durationMs: 10_000,
      stateTransitions: nightlyTransitions(8, 8),
      sampleReadUnits: 300,
      lambdaMemoryMb: 1024,
      totals,
    };

    // Act
    const estimate = estimatedAwsLambdaMs(summary, 1_500);
    const cost = nightlyRunCost(summary, 1_000, { lambdaMs: estimate });

    // Assess
    expect(estimate).toBe(1_500 + (10 + 8) * ASSUMED_AWS_LATENCY_MS.scanPage + 3 * ASSUMED_AWS_LATENCY_MS.batchWrite);
    expect(cost.lambdaGbSeconds).toBeCloseTo(estimate / 1000, 10);
    expect(nightlyRunCost(summary, 1_000).lambdaGbSeconds).toBeCloseTo(99, 10);
  });

  it('counts the fixed-size model sample once, not scaled with the population', () => {
    // Prepare: of 2,000 read units, 1,000 drew the sample (the whole 1,000-user table here).
    const totals = { ...emptyCounts(), usersScored: 1_000, readUnits: 2_000, writeUnits: 0, invocations: 8, lambdaMs: 0 };
    const summary: RunSummary = {
      runId: 'r',
      date: '2025-03-31',
      paramsVersion: 'p',
      refitted: true,
      totalSegments: 8,
      startedAt: '2025-03-31T00:00:00.000Z',
      finishedAt: '2025-03-31T00:00:10.000Z',
      durationMs: 10_000,
      stateTransitions: nightlyTransitions(8, 8),
      sampleReadUnits: 1_000,
      lambdaMemoryMb: 1024,
      totals,
    };

    // Act
    const atMillion = nightlyRunCost(summary, 1_000_000);
    const atHundred = nightlyRunCost(summary, 100);

    // Assess: scans scale (1,000 × 1,000) and the sample stays 1,000; a smaller population samples less.
    expect(atMillion.readUnits).toBe(1_000 * 1_000 + 1_000);
    expect(atHundred.readUnits).toBeCloseTo(100 + 100, 10);
  });
});
