/**
 * The pure scoring core of the nightly job: from per-user features and fitted model parameters to
 * RFM scores and segment, P(alive), expected purchases, CLV and its decile, the value quadrant, the
 * churn risk and the recall tier.
 *
 * Built for millions of users: columns in typed arrays, model constants computed once, the
 * costly hypergeometric terms cached per distinct (frequency, T) pair, rankings on native numeric
 * sorts. One result object per user is the only per-user allocation.
 */
import { z } from 'zod';
import { bgnbdExpectedPurchasesIfAlive, type BgnbdParams } from './bgnbd';
import { discountedPurchasesIfAlive } from './clv';
import { gammaGammaExpectedAverageSpend, type GammaGammaParams } from './gamma-gamma';
import { medianOfSorted, ordinalBuckets } from './ranking';
import { RFM_SEGMENTS, rfmSegment, scoreRfmColumns, tieBreakOf, type RfmScore, type RfmSegment } from './rfm';
import { VALUE_QUADRANTS, valueQuadrant, type ValueQuadrant } from './quadrant';
import { churnRisk, SilenceConfig } from './silence';
import { assignRecallTier, TierConfig, type RecallTier } from './tiers';

/** A user's purchase history in BG/NBD form, in the time unit the models were fitted in. */
export const PurchaseSummary = z.object({
  /** Repeat purchase periods. */
  frequency: z.number().int().min(0),
  /** Periods from the first to the last purchase. */
  recency: z.number().min(0),
  /** Periods from the first purchase to now. */
  T: z.number().min(0),
  /** Mean of the repeat purchases' amounts (0 without a repeat). */
  monetaryValue: z.number().min(0),
  /** Everything the user has spent: the current value. */
  totalSpend: z.number().min(0),
});
export type PurchaseSummary = z.infer<typeof PurchaseSummary>;

/** Per-user features the nightly job assembles from profiles and daily aggregates. */
export const UserFeatures = z.object({
  userId: z.string().min(1),
  daysSinceLastActivity: z.number().min(0),
  /** null: never purchased. */
  daysSinceLastPurchase: z.number().min(0).nullable(),
  sessionsLast7Days: z.number().min(0),
  /** Sessions in the 28 days before the last 7. */
  sessionsPrior28Days: z.number().min(0),
  coreFeatureUsesLast28Days: z.number().min(0),
  sessionsLast28Days: z.number().min(0),
  featureUsesPerSessionRecent: z.number().min(0),
  featureUsesPerSessionBefore: z.number().min(0),
  messagesReceived30Days: z.number().min(0),
  messageOpens30Days: z.number().min(0),
  messageClicks30Days: z.number().min(0),
  /** null: never purchased. */
  purchases: PurchaseSummary.nullable(),
});
export type UserFeatures = z.infer<typeof UserFeatures>;

/** The scoring configuration: one schema, documented defaults, validated once per run. */
export const ScoringConfig = z.object({
  /** The time unit of `purchases` and of the model parameters. */
  timeUnit: z.enum(['day', 'week']).default('week'),
  clv: z
    .object({
      /** CLV and expected-purchases horizon in `timeUnit` (default a year of weeks). */
      horizon: z.number().positive().default(52),
      /** Discounting period in `timeUnit` (default a month of weeks, as lifetimes uses). */
      periodLength: z.number().positive().default(4.345),
      /** Discount rate per period. */
      discountRate: z.number().min(0).default(0.01),
    })
    .prefault({}),
  quadrant: z
    .object({
      /** Split of total spend between low and high; null: the median among purchasers. */
      currentValueSplit: z.number().nullable().default(null),
      /** Split of CLV between low and high; null: the median among purchasers. */
      futureValueSplit: z.number().nullable().default(null),
    })
    .prefault({}),
  silence: SilenceConfig.prefault({}),
  tiers: TierConfig.prefault({}),
  highValue: z
    .object({
      /** Users in the top this-many CLV deciles are high value (0 turns the rule off). */
      topClvDeciles: z.number().int().min(0).max(10).default(1),
      segments: z.array(z.enum(RFM_SEGMENTS)).default(['Champions']),
      quadrants: z.array(z.enum(VALUE_QUADRANTS)).default(['Star']),
    })
    .prefault({}),
});
export type ScoringConfig = z.infer<typeof ScoringConfig>;

/** Validates a configuration (or fills every default from `{}`); throws a ZodError naming the field. */
export function parseScoringConfig(input: unknown): ScoringConfig {
  return ScoringConfig.parse(input);
}

/** Everything the nightly job stores for a user. */
export interface UserScore {
  userId: string;
  recencyScore: RfmScore;
  frequencyScore: RfmScore;
  monetaryScore: RfmScore;
  segment: RfmSegment;
  /** null: never purchased, so no purchase model applies. */
  probabilityAlive: number | null;
  /** Expected repeat purchases over the CLV horizon. */
  expectedPurchases: number;
  /** Expected spend per purchase (Gamma–Gamma); null without a purchase. */
  expectedSpend: number | null;
  clv: number;
  /** 1..10 among purchasers, 10 the highest CLV, ties broken by user id hash; null: never purchased. */
  clvDecile: number | null;
  quadrant: ValueQuadrant;
  churnRisk: number;
  highValue: boolean;
  tier: RecallTier;
}

/** Fitted parameters for a scoring run. */
export interface ScoringParams {
  bgnbd: BgnbdParams;
  gammagamma: GammaGammaParams;
}

/** Caches a per-(frequency, T) quantity; exact numeric keys when T is a whole number. */
class PairCache {
  private readonly values = new Map<number, number>();
  constructor(private readonly compute: (frequency: number, T: number) => number) {}
  get(frequency: number, T: number): number {
    if (!Number.isInteger(T) || T >= 1e7 || frequency >= 1e8) return this.compute(frequency, T);
    const key = frequency * 1e7 + T;
    const cached = this.values.get(key);
    if (cached !== undefined) return cached;
    const value = this.compute(frequency, T);
    this.values.set(key, value);
    return value;
  }
}

/**
 * Scores a whole population. `config` must come from {@link parseScoringConfig} (validated once,
 * not per user). Deterministic: the same users in any order get the same scores.
 */
export function scorePopulation(features: readonly UserFeatures[], params: ScoringParams, config: ScoringConfig): UserScore[] {
  const n = features.length;
  const { bgnbd, gammagamma } = params;
  const { r, alpha, a, b } = bgnbd;
  const logA = Math.log(a);
  const horizon = config.clv.horizon;
  const clvOptions = { horizon, periodLength: config.clv.periodLength, discountRate: config.clv.discountRate };
  const purchasesIfAlive = new PairCache((x, T) => bgnbdExpectedPurchasesIfAlive(bgnbd, horizon, x, T));
  const discountedIfAlive = new PairCache((x, T) => discountedPurchasesIfAlive(bgnbd, x, T, clvOptions));

  const probabilityAlive = new Float64Array(n);
  const expectedPurchases = new Float64Array(n);
  const expectedSpend = new Float64Array(n);
  const clv = new Float64Array(n);
  const daysSinceLastPurchase = new Float64Array(n);
  const purchaseCount = new Float64Array(n);
  const totalSpend = new Float64Array(n);
  const userIds = new Array<string>(n);

  for (let i = 0; i < n; i += 1) {
    const user = features[i] as UserFeatures;
    userIds[i] = user.userId;
    const purchases = user.purchases;
    daysSinceLastPurchase[i] = user.daysSinceLastPurchase ?? Number.NaN;
    if (!purchases) {
      probabilityAlive[i] = Number.NaN;
      expectedSpend[i] = Number.NaN;
      continue;
    }
    const x = purchases.frequency;
    let alive = 1;
    if (x > 0) {
      const logOdds = logA - Math.log(b + x - 1) + (r + x) * (Math.log(alpha + purchases.T) - Math.log(alpha + purchases.recency));
      alive = 1 / (1 + Math.exp(logOdds));
    }
    const spend = gammaGammaExpectedAverageSpend(gammagamma, purchases);
    probabilityAlive[i] = alive;
    expectedPurchases[i] = alive * purchasesIfAlive.get(x, purchases.T);
    expectedSpend[i] = spend;
    clv[i] = alive * discountedIfAlive.get(x, purchases.T) * spend;
    purchaseCount[i] = x + 1;
    totalSpend[i] = purchases.totalSpend;
  }

  const tieBreak = tieBreakOf(userIds);
  const purchased = new Uint8Array(n);
  for (let i = 0; i < n; i += 1) purchased[i] = features[i]?.purchases ? 1 : 0;
  const rfm = scoreRfmColumns(daysSinceLastPurchase, purchaseCount, totalSpend, tieBreak);
  const clvRanking = ordinalBuckets(clv, purchased, tieBreak, 10);
  const clvDeciles = clvRanking.buckets;
  const splits = {
    current: config.quadrant.currentValueSplit ?? medianOfSorted(rfm.sortedSpend),
    future: config.quadrant.futureValueSplit ?? medianOfSorted(clvRanking.sortedValues),
  };
  const highValueSegments = new Set<RfmSegment>(config.highValue.segments);
  const highValueQuadrants = new Set<ValueQuadrant>(config.highValue.quadrants);
  const topDecileFloor = 11 - config.highValue.topClvDeciles;

  const scores = new Array<UserScore>(n);
  for (let i = 0; i < n; i += 1) {
    const user = features[i] as UserFeatures;
    const recencyScore = (rfm.recency[i] ?? 1) as RfmScore;
    const frequencyScore = (rfm.frequency[i] ?? 1) as RfmScore;
    const monetaryScore = (rfm.monetary[i] ?? 1) as RfmScore;
    const segment = rfmSegment(recencyScore, frequencyScore, monetaryScore);
    const userClv = clv[i] ?? 0;
    const quadrant = valueQuadrant(totalSpend[i] ?? 0, userClv, splits);
    const decile = clvDeciles[i] ?? 0;
    const alive = probabilityAlive[i] ?? Number.NaN;
    const spend = expectedSpend[i] ?? Number.NaN;
    const risk = churnRisk(user, Number.isNaN(alive) ? null : alive, config.silence);
    const highValue = (decile > 0 && decile >= topDecileFloor) || highValueSegments.has(segment) || highValueQuadrants.has(quadrant);
    scores[i] = {
      userId: user.userId,
      recencyScore,
      frequencyScore,
      monetaryScore,
      segment,
      probabilityAlive: Number.isNaN(alive) ? null : alive,
      expectedPurchases: expectedPurchases[i] ?? 0,
      expectedSpend: Number.isNaN(spend) ? null : spend,
      clv: userClv,
      clvDecile: decile > 0 ? decile : null,
      quadrant,
      churnRisk: risk,
      highValue,
      tier: assignRecallTier(user, risk, highValue, config.tiers),
    };
  }
  return scores;
}
