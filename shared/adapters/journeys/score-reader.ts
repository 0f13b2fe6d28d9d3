import { GetCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import {
  bandedScoreMeets,
  bandedScoreOf,
  clvBandOf,
  CorruptJourneyItem,
  matchesScoreCriteria,
  RecallTier,
  RfmSegment,
  ValueQuadrant,
  type BranchScore,
  type ScanPage,
  type ScoreCriteria,
  type ScoredUser,
  type ScoredUsersPage,
  type ScoreReader,
} from '../../domain/journeys';
import { AudienceReach } from '../../domain/scoring-run';
import { AUDIENCE_INDEX_NAME, AUDIENCE_SHARDS, audienceIndexAttributes, audienceIndexKeys } from '../dynamodb/audience-index';
import { batchGet } from '../dynamodb/batch';
import { forEachConcurrently } from '../dynamodb/client';
import { journeyKeys } from './journey-keys';

const slug = (name: string) => name.toLowerCase().replace(/'/g, '').replace(/\s+/g, '-');

/**
 * The SCORE item nightly scoring writes per user (pk USER#id, sk SCORE), as far as audiences need
 * it. Segment and quadrant are accepted as the models' names ("Can't Lose", "Cash Cow") or as
 * slugs; the models' tier "active" means "not slipping".
 */
export const ScoreItem = z.object({
  userId: z.string().min(1),
  tier: z.union([RecallTier, z.literal('active'), z.null()]).transform((tier) => (tier === 'active' ? null : tier)),
  segment: z.string().transform(slug).pipe(RfmSegment),
  quadrant: z.string().transform(slug).pipe(ValueQuadrant),
  churnRisk: z.number().min(0).max(1),
  // The models' CLV can dip below zero with discounting; audiences filter on a non-negative value.
  clv: z.number().transform((clv) => Math.max(0, clv)),
  /**
   * Not (yet) in the nightly SCORE item: a missing value reads as 0, so a `daysSilent` audience
   * filter only works once scoring stores it. Tests and seeding write it.
   */
  daysSilent: z
    .number()
    .int()
    .min(0)
    .optional()
    .transform((days) => days ?? 0),
  /** The profile's locale and consents as of the night's run (see AudienceReach); absent on an item written before the copy. */
  reach: AudienceReach.optional(),
});
export type ScoreItem = z.input<typeof ScoreItem>;

/**
 * An entry of the audience index as a query answers it (its projection): the SCORE item's
 * judged attributes with CLV as its band and no churn risk. The band is absent on an item written
 * before it, whose CLV criterion is then judged on the SCORE item itself.
 */
const IndexEntry = ScoreItem.pick({ userId: true, tier: true, segment: true, quadrant: true, daysSilent: true, reach: true }).extend({
  clvBand: z.number().int().min(0).optional(),
});
type IndexEntry = z.infer<typeof IndexEntry>;

/** An entry with its band: selected, before its reach is known. */
type BandedEntry = IndexEntry & { clvBand: number };

/** The entry of a SCORE item read whole (its exact values judged): what the index holds of it. */
function bandedEntryOf({ reach, ...score }: z.infer<typeof ScoreItem>): BandedEntry {
  return { ...bandedScoreOf(score), ...(reach === undefined ? {} : { reach }) };
}

/** What a profile lends an audience: its reach, as scoring copies it. */
const ProfileItem = AudienceReach.extend({ userId: z.string() });

/** Index items a page reads at most: a page's users are enrolled and checkpointed before the next is read. */
const PAGE_ITEMS = 2_000;

/**
 * Where a segment's read stands: the index part it is in (see {@link partsOf}) and the last key
 * read there (none: from the part's start).
 */
const IndexCursor = z.object({ part: z.number().int().min(0), key: z.record(z.string(), z.string()).optional() });
type IndexCursor = z.infer<typeof IndexCursor>;

function encodeCursor(cursor: IndexCursor): string {
  return Buffer.from(JSON.stringify(cursor), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): IndexCursor {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch (error) {
    throw new CorruptJourneyItem(`launch cursor ${cursor} is not JSON`, { cause: error });
  }
  const parsed = IndexCursor.safeParse(json);
  if (!parsed.success) throw new CorruptJourneyItem(`launch cursor ${cursor} is not an audience index position`, { cause: parsed.error });
  return parsed.data;
}

/**
 * What a segment of `totalSegments` reads of the audience index, in order: its shards (those
 * whose number is the segment's modulo the segment count, so any segment count covers every shard
 * once), each whole or, for a tier audience, one key range per tier.
 */
export function partsOf(criteria: ScoreCriteria, segment: number, totalSegments: number): { shard: number; tier?: string }[] {
  const shards = [...Array(AUDIENCE_SHARDS).keys()].filter((shard) => shard % totalSegments === segment);
  return shards.flatMap((shard) => (criteria.tiers ? criteria.tiers.map((tier) => ({ shard, tier })) : [{ shard }]));
}

/**
 * The query's filter: what DynamoDB can judge on the projection as the domain does, so fewer
 * entries come back to be parsed: days silent exactly (a missing value reads as 0), CLV by band
 * (an entry whose band cannot hold a value in range is left out; one without a band is kept).
 * Tiers are the key condition; segments and quadrants (stored as the models' names or as slugs)
 * are left to bandedScoreMeets, which judges every returned entry anyway: this filter only ever
 * keeps a superset. Undefined when nothing is to filter.
 */
export function scoreIndexFilter(criteria: ScoreCriteria): { expression: string; names: Record<string, string>; values: Record<string, unknown> } | undefined {
  const clauses: string[] = [];
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const bound = (attribute: string, comparison: '>=' | '<=', value: number, missingPasses = false) => {
    const name = `#${attribute}`;
    const placeholder = `:${attribute}${comparison === '>=' ? 'Min' : 'Max'}`;
    names[name] = attribute;
    values[placeholder] = value;
    clauses.push(missingPasses ? `(attribute_not_exists(${name}) OR ${name} ${comparison} ${placeholder})` : `${name} ${comparison} ${placeholder}`);
  };
  const { clv, daysSilent } = criteria;
  if (clv?.min !== undefined && clv.min > 0) bound('clvBand', '>=', clvBandOf(clv.min), true);
  if (clv?.max !== undefined) bound('clvBand', '<=', clvBandOf(clv.max), true);
  // A missing daysSilent reads as 0.
  if (daysSilent?.min !== undefined && daysSilent.min > 0) bound('daysSilent', '>=', daysSilent.min);
  if (daysSilent?.max !== undefined) bound('daysSilent', '<=', daysSilent.max, true);
  return clauses.length === 0 ? undefined : { expression: clauses.join(' AND '), names, values };
}

/** Scan segments of the preview's audience scan (a launch scans LAUNCH_SCAN_SEGMENTS through its workflow). */
export const AUDIENCE_SCAN_SEGMENTS = 4;

/**
 * Reads scored users for audience selection from the audience index (audience-index.ts): the
 * SCORE items only, a tier audience only its tiers' key ranges, each with the locale and consents
 * the night's run copied from the profile (as of the run, like the tier; the send path judges
 * consents, suppressions and unsubscribes again at each send). Only a score without that copy
 * has its profile read, by BatchGet.
 */
export class DynamoScoreReader implements ScoreReader {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly usersTable: string,
    /** Index items a page reads at most. */
    private readonly pageItems = PAGE_ITEMS,
  ) {}

  /** One user's SCORE item, as a branch reads it; undefined when the user has not been scored. */
  async scoreOf(userId: string): Promise<BranchScore | undefined> {
    const answer = await this.client.send(new GetCommand({ TableName: this.usersTable, Key: { pk: journeyKeys.userPk(userId), sk: journeyKeys.scoreSk } }));
    if (answer.Item === undefined) return undefined;
    const parsed = ScoreItem.safeParse(answer.Item);
    if (!parsed.success) throw new CorruptJourneyItem(`score item of ${userId} does not parse`, { cause: parsed.error });
    return { tier: parsed.data.tier, segment: parsed.data.segment, quadrant: parsed.data.quadrant, churnRisk: parsed.data.churnRisk, clv: parsed.data.clv };
  }

  /** Every scored user meeting `criteria`, by user id: the segments' pages read in parallel. */
  async scoredUsers(criteria: ScoreCriteria): Promise<ScoredUser[]> {
    const users: ScoredUser[] = [];
    await forEachConcurrently([...Array(AUDIENCE_SCAN_SEGMENTS).keys()], AUDIENCE_SCAN_SEGMENTS, async (segment) => {
      let cursor: string | null = null;
      do {
        const page = await this.scoredUsersPage(criteria, { segment, totalSegments: AUDIENCE_SCAN_SEGMENTS, cursor });
        users.push(...page.users);
        cursor = page.cursor;
      } while (cursor !== null);
    });
    return users.sort((a, b) => a.userId.localeCompare(b.userId));
  }

  /**
   * One page (up to {@link PAGE_ITEMS} index items) of one segment, from the cursor a previous page
   * answered: the SCORE items meeting `criteria` (narrowed at the store by the key condition and
   * {@link scoreIndexFilter}, then judged here), with locale and consents as the night's run copied them. The
   * cursor is the part of the segment and the page's LastEvaluatedKey, encoded; null once the
   * segment's last part is read to its end. In AWS a GSI is eventually consistent: a score written
   * a moment ago (well under a second as a rule) may be missed by a launch that starts at once;
   * nightly scoring is hours before. DynamoDB Local updates the index with the write.
   */
  async scoredUsersPage(criteria: ScoreCriteria, page: ScanPage): Promise<ScoredUsersPage> {
    const parts = partsOf(criteria, page.segment, page.totalSegments);
    const at: IndexCursor = page.cursor === null ? { part: 0 } : decodeCursor(page.cursor);
    const part = parts[at.part];
    if (part === undefined) return { users: [], cursor: null };
    const filter = scoreIndexFilter(criteria);
    const answer = await this.client.send(
      new QueryCommand({
        TableName: this.usersTable,
        IndexName: AUDIENCE_INDEX_NAME,
        KeyConditionExpression: part.tier === undefined ? '#shard = :shard' : '#shard = :shard AND begins_with(#key, :tier)',
        ...(filter ? { FilterExpression: filter.expression } : {}),
        ExpressionAttributeNames: { '#shard': 'audienceShard', ...(part.tier === undefined ? {} : { '#key': 'audienceKey' }), ...filter?.names },
        ExpressionAttributeValues: {
          ':shard': audienceIndexKeys.shard(part.shard),
          ...(part.tier === undefined ? {} : { ':tier': audienceIndexKeys.tierPrefix(part.tier) }),
          ...filter?.values,
        },
        Limit: this.pageItems,
        ExclusiveStartKey: at.key,
      }),
    );
    // Entries the bands settle are selected as they are; those a range ends inside (or without
    // bands) are judged on their SCORE items.
    const selected: (BandedEntry | undefined)[] = [];
    const unsettled = new Map<string, number>();
    for (const item of answer.Items ?? []) {
      const parsed = IndexEntry.safeParse(item);
      if (!parsed.success) throw new CorruptJourneyItem(`audience index entry ${String(item.pk)} does not parse`, { cause: parsed.error });
      const entry = parsed.data;
      const meets = entry.clvBand === undefined ? 'some' : bandedScoreMeets(criteria, { ...entry, clvBand: entry.clvBand });
      if (meets === 'none') continue;
      if (meets === 'some') unsettled.set(entry.userId, selected.length);
      selected.push(meets === 'all' ? (entry as BandedEntry) : undefined);
    }
    for (const score of await this.exactScores([...unsettled.keys()])) {
      if (matchesScoreCriteria(criteria, score)) selected[unsettled.get(score.userId)!] = bandedEntryOf(score);
    }
    const next: IndexCursor | null = answer.LastEvaluatedKey
      ? { part: at.part, key: answer.LastEvaluatedKey as Record<string, string> }
      : at.part + 1 < parts.length
        ? { part: at.part + 1 }
        : null;
    const entries = selected.filter((entry) => entry !== undefined);
    return { users: await this.withProfiles(entries), cursor: next === null ? null : encodeCursor(next) };
  }

  /** The SCORE items of these users, by BatchGet: the exact values a band did not settle. */
  private async exactScores(userIds: readonly string[]): Promise<z.infer<typeof ScoreItem>[]> {
    if (userIds.length === 0) return [];
    const items = await batchGet(
      this.client,
      this.usersTable,
      userIds.map((userId) => ({ pk: journeyKeys.userPk(userId), sk: journeyKeys.scoreSk })),
      { projection: ['userId', 'tier', 'segment', 'quadrant', 'churnRisk', 'clv', 'daysSilent', 'reach'] },
    );
    return items.map((item) => {
      const parsed = ScoreItem.safeParse(item);
      if (!parsed.success) throw new CorruptJourneyItem(`score item ${String(item.userId)} does not parse`, { cause: parsed.error });
      return parsed.data;
    });
  }

  /**
   * The entries with their locale and consents: the copy the night's run stored with the score,
   * or, for an item without one (written before the copy, or by a test), the profile read by BatchGet.
   */
  private async withProfiles(entries: readonly BandedEntry[]): Promise<ScoredUser[]> {
    const profiles = new Map<string, AudienceReach>();
    for (const item of await batchGet(
      this.client,
      this.usersTable,
      entries.filter((entry) => entry.reach === undefined).map((entry) => ({ pk: journeyKeys.userPk(entry.userId), sk: journeyKeys.profileSk })),
      { projection: ['userId', 'locale', 'consents'] },
    )) {
      const parsed = ProfileItem.safeParse(item);
      if (parsed.success) profiles.set(parsed.data.userId, parsed.data);
    }
    return entries.map(({ reach, ...entry }) => {
      const profile = reach ?? profiles.get(entry.userId);
      return {
        ...entry,
        locale: profile?.locale ?? 'unknown',
        consents: profile?.consents ?? { email: false, sms: false, push: false },
        // Suppressions, unsubscribes and sunsets are the send path's to judge at each send.
        suppressed: { email: false, sms: false, push: false },
        unsubscribed: false,
        sunset: false,
      };
    });
  }

  /** Writes a SCORE item: for tests and seeding until nightly scoring writes them itself. */
  async putScore(score: ScoreItem): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.usersTable,
        Item: { pk: journeyKeys.userPk(score.userId), sk: journeyKeys.scoreSk, ...score, ...audienceIndexAttributes(score) },
      }),
    );
  }
}
