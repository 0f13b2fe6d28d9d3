import { GetCommand, PutCommand, ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import {
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
});
export type ScoreItem = z.input<typeof ScoreItem>;

const ProfileItem = z.object({
  userId: z.string(),
  locale: z.string().min(2),
  consents: z.object({ email: z.boolean(), sms: z.boolean(), push: z.boolean() }),
});

/** What the audience scan reads of each SCORE and PROFILE item (and the keys, to tell them apart). */
const SCAN_PROJECTION = ['pk', 'sk', 'userId', 'tier', 'segment', 'quadrant', 'churnRisk', 'clv', 'daysSilent', 'locale', 'consents'] as const;

/** The scan key a cursor carries: the users table's string keys. */
const ScanKey = z.object({ pk: z.string(), sk: z.string() });

function encodeCursor(key: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(ScanKey.parse(key)), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): z.infer<typeof ScanKey> {
  const parsed = ScanKey.safeParse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
  if (!parsed.success) throw new CorruptJourneyItem(`launch cursor ${cursor} is not a users table key`, { cause: parsed.error });
  return parsed.data;
}

/**
 * The scan's filter: SCORE items, narrowed by the criteria DynamoDB can judge exactly as the
 * domain does on the stored attributes (tiers; numeric ranges where a missing or negative stored
 * value reads the same), so fewer items come back to be parsed and their profiles read. Segments
 * and quadrants (stored as the models' names or as slugs) are left to matchesScoreCriteria, which
 * judges every returned item anyway: this filter only ever keeps a superset.
 */
export function scoreScanFilter(criteria: ScoreCriteria): { expression: string; names: Record<string, string>; values: Record<string, unknown> } {
  const clauses = ['sk = :score'];
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = { ':score': journeyKeys.scoreSk };
  const bound = (attribute: string, comparison: '>=' | '<=', value: number, missingPasses = false) => {
    const name = `#${attribute}`;
    const placeholder = `:${attribute}${comparison === '>=' ? 'Min' : 'Max'}`;
    names[name] = attribute;
    values[placeholder] = value;
    clauses.push(missingPasses ? `(attribute_not_exists(${name}) OR ${name} ${comparison} ${placeholder})` : `${name} ${comparison} ${placeholder}`);
  };
  if (criteria.tiers) {
    names['#tier'] = 'tier';
    criteria.tiers.forEach((tier, i) => (values[`:tier${i}`] = tier));
    clauses.push(`#tier IN (${criteria.tiers.map((_, i) => `:tier${i}`).join(', ')})`);
  }
  const { clv, churnRisk, daysSilent } = criteria;
  // The stored CLV reads as max(0, clv): a lower bound of 0 keeps everyone, an upper bound keeps negatives.
  if (clv?.min !== undefined && clv.min > 0) bound('clv', '>=', clv.min);
  if (clv?.max !== undefined) bound('clv', '<=', clv.max);
  if (churnRisk?.min !== undefined) bound('churnRisk', '>=', churnRisk.min);
  if (churnRisk?.max !== undefined) bound('churnRisk', '<=', churnRisk.max);
  // A missing daysSilent reads as 0.
  if (daysSilent?.min !== undefined && daysSilent.min > 0) bound('daysSilent', '>=', daysSilent.min);
  if (daysSilent?.max !== undefined) bound('daysSilent', '<=', daysSilent.max, true);
  return { expression: clauses.join(' AND '), names, values };
}

/** Scan segments of the preview's audience scan (a launch scans LAUNCH_SCAN_SEGMENTS through its workflow). */
export const AUDIENCE_SCAN_SEGMENTS = 4;

/**
 * Reads scored users for audience selection: a parallel Scan of the users table for SCORE items
 * (the one Scan outside nightly scoring: a launch reads every score once, page by page, like the
 * nightly job),
 * then the matching profiles by BatchGet for locale and consents. `prefilter` runs on the score
 * alone so profiles are fetched only for candidates.
 */
export class DynamoScoreReader implements ScoreReader {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly usersTable: string,
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
   * One Scan page (up to 1 MB read) of one segment, from the cursor a previous page answered: the
   * SCORE items meeting `criteria` (narrowed at the store by {@link scoreScanFilter}, then judged
   * here), with locale and consents from their profiles. The scan reads every item of the table
   * anyway, so it lets the PROFILE items through too, projected to the few attributes needed
   * ({@link SCAN_PROJECTION}): a user's profile sorts before their score in the same partition, so
   * it comes in the same page, and only a score whose profile fell on the previous page (or was
   * not returned) has its profile read by BatchGet. The cursor is the page's LastEvaluatedKey,
   * encoded; null once the segment is read to its end.
   */
  async scoredUsersPage(criteria: ScoreCriteria, page: ScanPage): Promise<ScoredUsersPage> {
    const filter = scoreScanFilter(criteria);
    const answer = await this.client.send(
      new ScanCommand({
        TableName: this.usersTable,
        Segment: page.segment,
        TotalSegments: page.totalSegments,
        FilterExpression: `(${filter.expression}) OR sk = :profile`,
        ProjectionExpression: SCAN_PROJECTION.map((_, i) => `#p${i}`).join(', '),
        ExpressionAttributeNames: { ...filter.names, ...Object.fromEntries(SCAN_PROJECTION.map((name, i) => [`#p${i}`, name])) },
        ExpressionAttributeValues: { ...filter.values, ':profile': journeyKeys.profileSk },
        ExclusiveStartKey: page.cursor === null ? undefined : decodeCursor(page.cursor),
      }),
    );
    const scores: z.infer<typeof ScoreItem>[] = [];
    const profiles = new Map<string, z.infer<typeof ProfileItem>>();
    for (const item of answer.Items ?? []) {
      if (item.sk === journeyKeys.profileSk) {
        const profile = ProfileItem.safeParse(item);
        if (profile.success) profiles.set(profile.data.userId, profile.data);
        continue;
      }
      const parsed = ScoreItem.safeParse(item);
      if (!parsed.success) throw new CorruptJourneyItem(`score item ${String(item.pk)} does not parse`, { cause: parsed.error });
      if (matchesScoreCriteria(criteria, parsed.data)) scores.push(parsed.data);
    }
    return { users: await this.withProfiles(scores, profiles), cursor: answer.LastEvaluatedKey ? encodeCursor(answer.LastEvaluatedKey) : null };
  }

  /** The scores with their profiles: those the page brought, the others read by BatchGet. */
  private async withProfiles(scores: readonly z.infer<typeof ScoreItem>[], inPage: ReadonlyMap<string, z.infer<typeof ProfileItem>>): Promise<ScoredUser[]> {
    const profiles = new Map(inPage);
    const missing = scores.filter((score) => !profiles.has(score.userId));
    for (const item of await batchGet(
      this.client,
      this.usersTable,
      missing.map((score) => ({ pk: journeyKeys.userPk(score.userId), sk: journeyKeys.profileSk })),
      { projection: ['userId', 'locale', 'consents'] },
    )) {
      const parsed = ProfileItem.safeParse(item);
      if (parsed.success) profiles.set(parsed.data.userId, parsed.data);
    }
    return scores.map((score) => {
      const profile = profiles.get(score.userId);
      return {
        ...score,
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
    await this.client.send(new PutCommand({ TableName: this.usersTable, Item: { pk: journeyKeys.userPk(score.userId), sk: journeyKeys.scoreSk, ...score } }));
  }
}
