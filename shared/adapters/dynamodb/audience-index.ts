import { createHash } from 'node:crypto';
import { clvBandOf } from '../../domain/journeys/audience-bands';

/**
 * The audience index: a sparse GSI of the users table over the SCORE items only (nightly scoring
 * writes them; no other item carries its keys), so a launch, an exact count and the audience
 * summary read the scores they select from and nothing else: no profiles, no months of daily
 * aggregates, no journey records. A full-table Scan reads all of those to find the scores.
 *
 *   audienceShard  AUDIENCE#<n>            n = a stable hash of the user id, 0..AUDIENCE_SHARDS-1
 *   audienceKey    <tier or active>#<userId>
 *
 * A tier audience is a `begins_with` on the sort key, so an R3 launch reads the R3 scores only.
 * The index projects what audiences judge ({@link AUDIENCE_INDEX_PROJECTION}), the profile's
 * locale and consents included: nightly scoring copies them into the SCORE item (`reach`), so a
 * page of the index is all a launch reads to select. Reading the selected users' profiles instead
 * cost DynamoDB Local about as much as half the launch's own writes (measured, 12,000 users).
 *
 * The index holds CLV as its band (`clvBand`, see audience-bands.ts) and no churn risk: DynamoDB
 * writes an index entry only when its key or a projected attribute changes, and a third of the
 * scores change their churn risk every night while their tier, segment, quadrant and CLV band
 * stay (measured at 20,000 users: 6,901 changed scores, 1,382 of them in tier, none in segment,
 * quadrant or CLV). With the values projected, every changed score also wrote its index entry
 * (0.78 USD a night per million users, against a 0.50 budget). A CLV range whose edge falls inside
 * a band, and any churn-risk range, is judged on the SCORE items of the entries it leaves open,
 * read by BatchGet.
 */
export const AUDIENCE_INDEX_NAME = 'AudienceIndex';

/** Index partitions: one per launch scan segment (LAUNCH_SCAN_SEGMENTS), so the segments never share a partition. */
export const AUDIENCE_SHARDS = 8;

/** The score attributes the index carries besides its keys and the table's. */
export const AUDIENCE_INDEX_PROJECTION = ['userId', 'tier', 'segment', 'quadrant', 'daysSilent', 'clvBand', 'reach'];

/** The user's index partition, 0..AUDIENCE_SHARDS-1: the same for every night and every tier. */
export function audienceShardOf(userId: string): number {
  return createHash('sha256').update(userId).digest().readUInt16BE(0) % AUDIENCE_SHARDS;
}

export const audienceIndexKeys = {
  shard: (shard: number) => `AUDIENCE#${shard}`,
  /** The sort-key prefix of a tier's scores ("active" for users not slipping). */
  tierPrefix: (tier: string | null) => `${tier ?? 'active'}#`,
};

/** What the index attributes of a SCORE item are derived from ('active' or null: not slipping). */
export interface IndexedScore {
  userId: string;
  tier: string | null;
  clv: number;
}

/** The index attributes a SCORE item carries: its keys, derived from user and tier, and its CLV band. */
export function audienceIndexAttributes(score: IndexedScore): { audienceShard: string; audienceKey: string; clvBand: number } {
  const tier = score.tier === 'active' ? null : score.tier;
  return {
    audienceShard: audienceIndexKeys.shard(audienceShardOf(score.userId)),
    audienceKey: `${audienceIndexKeys.tierPrefix(tier)}${score.userId}`,
    clvBand: clvBandOf(Math.max(0, score.clv)),
  };
}

/** True when a stored SCORE item carries the index attributes of its user, tier and CLV (one written before the index, or before its band, does not). */
export function isAudienceIndexed(item: Record<string, unknown>): boolean {
  if (typeof item.clv !== 'number') return false;
  const expected = audienceIndexAttributes({ userId: String(item.userId), tier: typeof item.tier === 'string' ? item.tier : null, clv: item.clv });
  return item.audienceShard === expected.audienceShard && item.audienceKey === expected.audienceKey && item.clvBand === expected.clvBand;
}
