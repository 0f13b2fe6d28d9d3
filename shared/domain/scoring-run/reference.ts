/**
 * Population-relative scores (RFM quintiles, CLV deciles, the quadrant's median splits) need the
 * whole population, but the nightly job scores it in independent scan segments. So the run first
 * draws a deterministic sample (whole scan segments of a fine split, in order), scores it, and
 * keeps the cut points: for each ranking, the (value, id hash, id) key at the first position of
 * every bucket, exactly where the pure core's ordinal buckets would put them. Every segment then
 * ranks its users against these cut points. With the same data and parameters the sample, the cut
 * points and so every score are the same, so a re-run changes nothing; when the sample is the whole
 * population the result is exactly the pure core's (tested).
 */
import { z } from 'zod';
import {
  assignRecallTier,
  hashUserIds,
  medianOfSorted,
  rfmSegment,
  scorePopulation,
  type RfmScore,
  type RfmSegment,
  type ScoringConfig,
  type ScoringParams,
  type UserFeatures,
  type UserScore,
  type ValueQuadrant,
} from '../models';

/** A ranking key: value, then the FNV-1a hash of the id, then the id (the core's tie-break). */
export const CutPoint = z.tuple([z.number(), z.number().int().min(0), z.string()]);
export type CutPoint = z.infer<typeof CutPoint>;

export const ScoringReference = z.object({
  /** Cut points on minus the days since the last purchase (recent is high). */
  recency: z.array(CutPoint).max(4),
  /** Cut points on the purchase count. */
  frequency: z.array(CutPoint).max(4),
  /** Cut points on total spend. */
  monetary: z.array(CutPoint).max(4),
  /** Cut points on CLV (deciles). */
  clv: z.array(CutPoint).max(9),
  currentValueSplit: z.number(),
  futureValueSplit: z.number(),
  sampleUsers: z.number().int().min(0),
  samplePurchasers: z.number().int().min(0),
});
export type ScoringReference = z.infer<typeof ScoringReference>;

/** Non-finite model outputs rank as 0 rather than poisoning the cut points. */
const finite = (value: number) => (Number.isFinite(value) ? value : 0);

interface Keyed {
  value: number;
  hash: number;
  id: string;
}

function compareKeys(left: Keyed, right: Keyed): number {
  if (left.value !== right.value) return left.value < right.value ? -1 : 1;
  if (left.hash !== right.hash) return left.hash - right.hash;
  return left.id < right.id ? -1 : left.id > right.id ? 1 : 0;
}

/** The key at the first position of buckets 2..`buckets` (1 + floor(p · buckets / m) as the core). */
function cutPointsOf(keys: Keyed[], buckets: number): CutPoint[] {
  keys.sort(compareKeys);
  const cuts: CutPoint[] = [];
  for (let k = 1; k < buckets; k += 1) {
    const key = keys[Math.ceil((k * keys.length) / buckets)];
    if (!key) break;
    cuts.push([key.value, key.hash, key.id]);
  }
  return cuts;
}

/** 1 + the number of cut points at or below the key. */
function bucketOf(value: number, hash: number, id: string, cuts: readonly CutPoint[]): number {
  let bucket = 1;
  for (const [cutValue, cutHash, cutId] of cuts) {
    const atOrAbove = value > cutValue || (value === cutValue && (hash > cutHash || (hash === cutHash && id >= cutId)));
    if (atOrAbove) bucket += 1;
    else break;
  }
  return bucket;
}

/** The cut points of a sample, scored with the run's parameters. */
export function buildScoringReference(sample: readonly UserFeatures[], params: ScoringParams, config: ScoringConfig): ScoringReference {
  const scores = scorePopulation(sample, params, config);
  const hashes = hashUserIds(sample.map((user) => user.userId));
  const recency: Keyed[] = [];
  const frequency: Keyed[] = [];
  const monetary: Keyed[] = [];
  const clv: Keyed[] = [];
  sample.forEach((user, i) => {
    if (!user.purchases) return;
    const hash = hashes[i] ?? 0;
    const id = user.userId;
    recency.push({ value: -(user.daysSinceLastPurchase ?? 0), hash, id });
    frequency.push({ value: user.purchases.frequency + 1, hash, id });
    monetary.push({ value: user.purchases.totalSpend, hash, id });
    clv.push({ value: finite(scores[i]?.clv ?? 0), hash, id });
  });
  const sortedValues = (keys: readonly Keyed[]) => Float64Array.from(keys, (key) => key.value).sort();
  return {
    recency: cutPointsOf(recency, 5),
    frequency: cutPointsOf(frequency, 5),
    monetary: cutPointsOf(monetary, 5),
    clv: cutPointsOf(clv, 10),
    currentValueSplit: config.quadrant.currentValueSplit ?? medianOfSorted(sortedValues(monetary)),
    futureValueSplit: config.quadrant.futureValueSplit ?? medianOfSorted(sortedValues(clv)),
    sampleUsers: sample.length,
    samplePurchasers: monetary.length,
  };
}

/**
 * Scores any slice of the population against the run's reference: model quantities from the pure
 * core, rankings from the cut points, then high value and the tier from those.
 */
export function scoreAgainstReference(users: readonly UserFeatures[], params: ScoringParams, config: ScoringConfig, reference: ScoringReference): UserScore[] {
  const fixedSplits: ScoringConfig = {
    ...config,
    quadrant: { currentValueSplit: reference.currentValueSplit, futureValueSplit: reference.futureValueSplit },
  };
  const scores = scorePopulation(users, params, fixedSplits);
  const hashes = hashUserIds(users.map((user) => user.userId));
  const highValueSegments = new Set<RfmSegment>(config.highValue.segments);
  const highValueQuadrants = new Set<ValueQuadrant>(config.highValue.quadrants);
  const topDecileFloor = 11 - config.highValue.topClvDeciles;
  return scores.map((score, i) => {
    const user = users[i] as UserFeatures;
    if (!user.purchases) {
      // The core already scores non-purchasers 1/1/1 with no decile; only high value may differ.
      const highValue = highValueSegments.has(score.segment) || highValueQuadrants.has(score.quadrant);
      return { ...score, highValue, tier: assignRecallTier(user, score.churnRisk, highValue, config.tiers) };
    }
    const hash = hashes[i] ?? 0;
    const id = user.userId;
    const recencyScore = bucketOf(-(user.daysSinceLastPurchase ?? 0), hash, id, reference.recency) as RfmScore;
    const frequencyScore = bucketOf(user.purchases.frequency + 1, hash, id, reference.frequency) as RfmScore;
    const monetaryScore = bucketOf(user.purchases.totalSpend, hash, id, reference.monetary) as RfmScore;
    const clvDecile = bucketOf(finite(score.clv), hash, id, reference.clv);
    const segment = rfmSegment(recencyScore, frequencyScore, monetaryScore);
    const highValue =
      (clvDecile >= topDecileFloor && config.highValue.topClvDeciles > 0) || highValueSegments.has(segment) || highValueQuadrants.has(score.quadrant);
    return {
      ...score,
      recencyScore,
      frequencyScore,
      monetaryScore,
      segment,
      clvDecile,
      highValue,
      tier: assignRecallTier(user, score.churnRisk, highValue, config.tiers),
    };
  });
}
