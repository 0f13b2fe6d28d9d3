import { ScanCommand, type DynamoDBDocumentClient, type ScanCommandOutput } from '@aws-sdk/lib-dynamodb';
import type { DailyActivity } from '../../domain/events/daily-activity';
import {
  AudienceReach,
  StoredScore,
  type ScanCursor,
  type ScannedUser,
  type ScannedUserRecord,
  type SegmentScanResult,
  type UserSampler,
  type UserScanner,
} from '../../domain/scoring-run';
import { isAudienceIndexed } from '../dynamodb/audience-index';
import { keys } from '../dynamodb/keys';
import { decodeMonthDays } from '../dynamodb/daily-activity-codec';
import { scoringKeys } from './scoring-keys';

type Item = Record<string, unknown>;

/** Segments of the sample's fine split: a sample is a prefix of them, so it is the same every run. */
const SAMPLE_SPLIT = 128;
const SAMPLE_CONCURRENCY = 8;
/**
 * The most of the table a sample reads (16 of 128 segments), once it holds `MIN_SAMPLE_USERS`:
 * the sample is read again by the night's scan, so a target near the table's size read most of
 * it twice (at 20,000 users the default 5,000 read a quarter; under 5,000 users, all of it).
 * An eighth keeps that extra read at 12.5% at every size; quantiles and the refit need hundreds
 * of users, not thousands.
 */
const MAX_SAMPLE_SEGMENTS = SAMPLE_SPLIT / 8;
const MIN_SAMPLE_USERS = 200;

/** One user's items (contiguous in a scan) as what scoring needs; null for a user with no data. */
function userOf(pk: string, items: readonly Item[]): ScannedUserRecord | null {
  const userId = keys.userIdOf(pk);
  let createdAt: string | null = null;
  let previous: StoredScore | null = null;
  let previousStale = false;
  let reach: AudienceReach | null = null;
  let hasData = false;
  const days: DailyActivity[] = [];
  for (const item of items) {
    const sk = String(item.sk);
    if (sk === keys.profileSk) {
      hasData = true;
      createdAt = typeof item.createdAt === 'string' ? item.createdAt : null;
      const parsed = AudienceReach.safeParse(item);
      reach = parsed.success ? parsed.data : null;
    } else if (sk.startsWith(keys.monthPrefix)) {
      hasData = true;
      days.push(...decodeMonthDays(userId, sk, item));
    } else if (sk === scoringKeys.scoreSk) {
      // An unreadable stored score is treated as none: the user is rescored and the item rewritten.
      const parsed = StoredScore.safeParse(item);
      previous = parsed.success ? parsed.data : null;
      // Written before the audience index: written again tonight, so launches find the user.
      previousStale = previous !== null && !isAudienceIndexed(item);
    }
  }
  return hasData ? { userId, createdAt, days, previous, previousStale, reach } : null;
}

function keyOf(item: Item): ScanCursor {
  return { pk: String(item.pk), sk: String(item.sk) };
}

/**
 * The nightly parallel scan of the users table (the one Scan the design allows). Pages are 1 MB;
 * the next page is requested before the current one is handed over, so reading overlaps scoring.
 */
export class DynamoUserScanner implements UserScanner, UserSampler {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  private page(segment: number, totalSegments: number, startKey: ScanCursor | null, pageItems?: number): Promise<ScanCommandOutput> {
    return this.client.send(
      new ScanCommand({
        TableName: this.tableName,
        Segment: segment,
        TotalSegments: totalSegments,
        ...(pageItems ? { Limit: pageItems } : {}),
        ReturnConsumedCapacity: 'TOTAL',
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
      }),
    );
  }

  async scanSegment(
    request: { segment: number; totalSegments: number; cursor: ScanCursor | null; pageItems?: number },
    onUsers: (users: ScannedUserRecord[]) => Promise<void>,
    shouldStop: () => boolean,
  ): Promise<SegmentScanResult> {
    let readUnits = 0;
    let itemsRead = 0;
    let handedOver = 0;
    let pending: { pk: string; items: Item[] } | null = null;
    let resumeFrom: ScanCursor | null = request.cursor;
    let next: Promise<ScanCommandOutput> | null = this.page(request.segment, request.totalSegments, request.cursor, request.pageItems);
    while (next) {
      const page: ScanCommandOutput = await next;
      readUnits += page.ConsumedCapacity?.CapacityUnits ?? 0;
      const items = page.Items ?? [];
      itemsRead += items.length;
      const more = page.LastEvaluatedKey as ScanCursor | undefined;
      next = more ? this.page(request.segment, request.totalSegments, more, request.pageItems) : null;

      const complete: ScannedUserRecord[] = [];
      for (const item of items) {
        const pk = String(item.pk);
        if (pending && pending.pk !== pk) {
          const user = userOf(pending.pk, pending.items);
          if (user) complete.push(user);
          resumeFrom = keyOf(pending.items[pending.items.length - 1]!);
          pending = null;
        }
        if (!pending) pending = { pk, items: [] };
        pending.items.push(item);
      }
      if (!next && pending) {
        const user = userOf(pending.pk, pending.items);
        if (user) complete.push(user);
        pending = null;
      }
      if (complete.length > 0) await onUsers(complete);
      handedOver += complete.length;
      if (!next) return { cursor: null, readUnits, itemsRead };
      if (handedOver > 0 && shouldStop()) {
        // The page already requested is read again by the next invocation: count what it cost.
        const wasted = await next;
        readUnits += wasted.ConsumedCapacity?.CapacityUnits ?? 0;
        return { cursor: resumeFrom, readUnits, itemsRead };
      }
    }
    return { cursor: null, readUnits, itemsRead };
  }

  /**
   * Whole segments of a 128-way split, in order, until at least `targetUsers` users, or an eighth
   * of the table once it holds `MIN_SAMPLE_USERS` (see `MAX_SAMPLE_SEGMENTS`).
   */
  async sample(targetUsers: number): Promise<{ users: ScannedUser[]; readUnits: number; fraction: number }> {
    const users: ScannedUser[] = [];
    let readUnits = 0;
    let segmentsRead = 0;
    const enough = () => users.length >= targetUsers || (segmentsRead >= MAX_SAMPLE_SEGMENTS && users.length >= MIN_SAMPLE_USERS);
    while (segmentsRead < SAMPLE_SPLIT && !enough()) {
      // Rounds stop at the cap, so a sample never reads more of the table than the cap allows.
      const roundEnd = segmentsRead < MAX_SAMPLE_SEGMENTS ? MAX_SAMPLE_SEGMENTS : SAMPLE_SPLIT;
      const batch = Array.from({ length: Math.min(SAMPLE_CONCURRENCY, roundEnd - segmentsRead) }, (_, i) => segmentsRead + i);
      const results = await Promise.all(
        batch.map(async (segment) => {
          const found: ScannedUser[] = [];
          const scan = await this.scanSegment(
            { segment, totalSegments: SAMPLE_SPLIT, cursor: null },
            async (page) => void found.push(...page),
            () => false,
          );
          return { found, readUnits: scan.readUnits };
        }),
      );
      for (const result of results) {
        users.push(...result.found);
        readUnits += result.readUnits;
      }
      segmentsRead += batch.length;
    }
    return { users, readUnits, fraction: segmentsRead / SAMPLE_SPLIT };
  }
}
