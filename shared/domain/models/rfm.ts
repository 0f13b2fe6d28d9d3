/**
 * RFM scoring: recency, frequency and monetary quintile scores 1–5 among purchasers, and the named
 * segments from the widely used R × FM score grid.
 *
 * - Recency: the most recent purchasers score 5; frequency and monetary: the highest score 5.
 * - Scores are ordinal quintiles (rank · 5 / n), ties broken by a hash of the user id (see
 *   ranking.ts), so every user gets exactly one score whatever order they were read in.
 * - Users who never purchased are not ranked and score 1 / 1 / 1.
 *
 * Segment grid, with FM = round((F + M) / 2), rows R, columns FM:
 *
 * | R \ FM | 1              | 2                   | 3                   | 4           | 5           |
 * |--------|----------------|---------------------|---------------------|-------------|-------------|
 * | 5      | New            | Potential Loyalists | Potential Loyalists | Champions   | Champions   |
 * | 4      | Promising      | Potential Loyalists | Potential Loyalists | Loyal       | Loyal       |
 * | 3      | About to Sleep | About to Sleep      | Need Attention      | Loyal       | Loyal       |
 * | 2      | Hibernating    | Hibernating         | At Risk             | At Risk     | Can't Lose  |
 * | 1      | Hibernating    | Hibernating         | At Risk             | At Risk     | Can't Lose  |
 */
import { hashUserIds, ordinalBuckets, type TieBreak } from './ranking';

export const RFM_SEGMENTS = [
  'Champions',
  'Loyal',
  'Potential Loyalists',
  'New',
  'Promising',
  'Need Attention',
  'About to Sleep',
  'At Risk',
  "Can't Lose",
  'Hibernating',
] as const;
export type RfmSegment = (typeof RFM_SEGMENTS)[number];

/** A score from 1 (worst) to 5 (best). */
export type RfmScore = 1 | 2 | 3 | 4 | 5;

function toScore(value: number): RfmScore {
  return Math.min(5, Math.max(1, Math.round(value))) as RfmScore;
}

// Rows: R = 1..5; columns: FM = 1..5.
const SEGMENT_GRID: readonly (readonly RfmSegment[])[] = [
  ['Hibernating', 'Hibernating', 'At Risk', 'At Risk', "Can't Lose"],
  ['Hibernating', 'Hibernating', 'At Risk', 'At Risk', "Can't Lose"],
  ['About to Sleep', 'About to Sleep', 'Need Attention', 'Loyal', 'Loyal'],
  ['Promising', 'Potential Loyalists', 'Potential Loyalists', 'Loyal', 'Loyal'],
  ['New', 'Potential Loyalists', 'Potential Loyalists', 'Champions', 'Champions'],
];

/** The named segment of an R, F, M score triple (see the grid above). */
export function rfmSegment(recency: RfmScore, frequency: RfmScore, monetary: RfmScore): RfmSegment {
  const combined = toScore(Math.floor((frequency + monetary) / 2 + 0.5));
  return SEGMENT_GRID[recency - 1]?.[combined - 1] ?? 'Hibernating';
}

/** What RFM needs of a user. */
export interface RfmInput {
  userId: string;
  /** null when the user never purchased. */
  daysSinceLastPurchase: number | null;
  purchaseCount: number;
  totalSpend: number;
}

export interface RfmResult {
  userId: string;
  recency: RfmScore;
  frequency: RfmScore;
  monetary: RfmScore;
  segment: RfmSegment;
}

/** Column form for the scoring core: scores as typed arrays, 1..5. */
export interface RfmColumns {
  recency: Uint8Array;
  frequency: Uint8Array;
  monetary: Uint8Array;
  /** Purchasers' total spend in ascending order (for the quadrant's median split). */
  sortedSpend: Float64Array;
}

/** RFM scores over columns. `daysSinceLastPurchase` uses NaN for "never purchased". */
export function scoreRfmColumns(daysSinceLastPurchase: Float64Array, purchaseCount: Float64Array, totalSpend: Float64Array, tieBreak: TieBreak): RfmColumns {
  const n = daysSinceLastPurchase.length;
  const purchased = new Uint8Array(n);
  const negatedRecency = new Float64Array(n);
  for (let i = 0; i < n; i += 1) {
    const days = daysSinceLastPurchase[i] ?? Number.NaN;
    purchased[i] = Number.isNaN(days) ? 0 : 1;
    // Fewer days is better: rank on the negation so the most recent get 5.
    negatedRecency[i] = -days;
  }
  const monetary = ordinalBuckets(totalSpend, purchased, tieBreak, 5);
  const columns: RfmColumns = {
    recency: ordinalBuckets(negatedRecency, purchased, tieBreak, 5).buckets,
    frequency: ordinalBuckets(purchaseCount, purchased, tieBreak, 5).buckets,
    monetary: monetary.buckets,
    sortedSpend: monetary.sortedValues,
  };
  for (let i = 0; i < n; i += 1) {
    if (purchased[i]) continue;
    columns.recency[i] = 1;
    columns.frequency[i] = 1;
    columns.monetary[i] = 1;
  }
  return columns;
}

/** RFM scores and segments for a population (object form; the scoring core uses the columns). */
export function scoreRfm(users: readonly RfmInput[]): RfmResult[] {
  const columns = scoreRfmColumns(
    Float64Array.from(users, (user) => user.daysSinceLastPurchase ?? Number.NaN),
    Float64Array.from(users, (user) => user.purchaseCount),
    Float64Array.from(users, (user) => user.totalSpend),
    tieBreakOf(users.map((user) => user.userId)),
  );
  return users.map((user, index) => {
    const recency = toScore(columns.recency[index] ?? 1);
    const frequency = toScore(columns.frequency[index] ?? 1);
    const monetary = toScore(columns.monetary[index] ?? 1);
    return { userId: user.userId, recency, frequency, monetary, segment: rfmSegment(recency, frequency, monetary) };
  });
}

/** The tie-breaking keys for a list of user ids. */
export function tieBreakOf(userIds: readonly string[]): TieBreak {
  return { hashes: hashUserIds(userIds), userIds };
}
