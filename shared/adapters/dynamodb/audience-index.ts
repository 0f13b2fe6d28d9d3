import { createHash } from 'node:crypto';

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
 */
export const AUDIENCE_INDEX_NAME = 'AudienceIndex';

/** Index partitions: one per launch scan segment (LAUNCH_SCAN_SEGMENTS), so the segments never share a partition. */
export const AUDIENCE_SHARDS = 8;

/** The score attributes the index carries besides its keys and the table's. */
export const AUDIENCE_INDEX_PROJECTION = ['userId', 'tier', 'segment', 'quadrant', 'churnRisk', 'clv', 'daysSilent', 'reach'];

/** The user's index partition, 0..AUDIENCE_SHARDS-1: the same for every night and every tier. */
export function audienceShardOf(userId: string): number {
  return createHash('sha256').update(userId).digest().readUInt16BE(0) % AUDIENCE_SHARDS;
}

export const audienceIndexKeys = {
  shard: (shard: number) => `AUDIENCE#${shard}`,
  /** The sort-key prefix of a tier's scores ("active" for users not slipping). */
  tierPrefix: (tier: string | null) => `${tier ?? 'active'}#`,
};

/** The index attributes a SCORE item carries, derived from its user and tier. */
export function audienceIndexAttributes(userId: string, tier: string | null): { audienceShard: string; audienceKey: string } {
  return { audienceShard: audienceIndexKeys.shard(audienceShardOf(userId)), audienceKey: `${audienceIndexKeys.tierPrefix(tier)}${userId}` };
}

/** True when a stored SCORE item carries the index attributes of its user and tier (one written before the index does not). */
export function isAudienceIndexed(item: Record<string, unknown>): boolean {
  const expected = audienceIndexAttributes(String(item.userId), typeof item.tier === 'string' ? item.tier : null);
  return item.audienceShard === expected.audienceShard && item.audienceKey === expected.audienceKey;
}
