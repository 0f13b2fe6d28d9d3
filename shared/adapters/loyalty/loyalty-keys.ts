import { createHash } from 'node:crypto';
import type { LedgerAccount } from '../../domain/loyalty';

/**
 * Key layout of the loyalty adapters.
 *
 * Users table (one partition per user, so a user's ledger never spans partitions and users never contend):
 *   pk USER#<userId>  sk LEDGER#<entryId>          one ledger entry (append-only; the id is the exactly-once key)
 *                     sk BALANCE#<account>         balance and version of `points` or `growth`
 *                     sk GRANTCAP#<capKey>         entries counted against a cap (e.g. an incentive rule's cap per user)
 *                     sk PROGRAM#<programId>       check-in program state + version (+ wakeShard/wakeAt while active)
 *                     sk EXPIRYWATCH               the points-expiry watch: grants counted, wakeShard/wakeAt while points are left
 *                     sk COUPON#<couponId>         an issued coupon
 *                     sk REFCODE                   the user's referral code
 *                     sk REFERRED_BY               the user's accepted referral (one per referee, ever)
 *                     sk LEVELCHANGE#<eventId>     growth level-change events (+ published once sent to EventBridge)
 *                     sk INCENTIVE#<rule>#<window> a rule's window: its event keys up to the rule's count (the exposure record)
 *                     sk INCENTIVE_USER#<rule>#<exposed|completed>  the user was counted once in the rule's conversion
 *                     sk REPORT#<report>#<counter> the user was counted once in a report counter (program funnel, referrals)
 * Operations table (system-wide, low-cardinality keys sharded):
 *   pk REFCODE#<code>             sk CODE          code -> user
 *   pk DRAW#<month>#<shard>       sk ENTRY#<user>  draw entries, sharded by a stable hash of the user id
 *   pk DRAW#<month>               sk RESULT        the published draw
 *   pk BUDGET#<month>             sk SPENT         the month's reward spend (one item: a few writes per referral, far under 1,000/s)
 *   pk QUEUED#<month>             sk COUPON#<id>   coupons waiting for that month's budget
 *   pk INCENTIVE#<rule>#<shard>   sk STATS         exposed / completed user counters, sharded by a stable hash of the user id
 *   pk REPORT#<report>#<shard>    sk COUNTS        a report's counters (funnel steps, referrals), sharded by a stable hash of the user id
 * Users table index WakeIndex (sparse, keys only): wakeShard WAKE#<nn>, wakeAt ISO instant.
 */
export const loyaltyKeys = {
  userPk: (userId: string) => `USER#${userId}`,
  ledgerSk: (entryId: string) => `LEDGER#${entryId}`,
  ledgerPrefix: 'LEDGER#',
  balanceSk: (account: LedgerAccount) => `BALANCE#${account}`,
  grantCapSk: (capKey: string) => `GRANTCAP#${capKey}`,
  programSk: (programId: string) => `PROGRAM#${programId}`,
  programPrefix: 'PROGRAM#',
  expiryWatchSk: 'EXPIRYWATCH',
  couponSk: (couponId: string) => `COUPON#${couponId}`,
  couponPrefix: 'COUPON#',
  userCodeSk: 'REFCODE',
  referredBySk: 'REFERRED_BY',
  levelChangeSk: (eventId: string) => `LEVELCHANGE#${eventId}`,
  codePk: (code: string) => `REFCODE#${code}`,
  codeSk: 'CODE',
  drawEntryPk: (month: string, shard: number) => `DRAW#${month}#${String(shard).padStart(2, '0')}`,
  drawEntrySk: (userId: string) => `ENTRY#${userId}`,
  drawResultPk: (month: string) => `DRAW#${month}`,
  drawResultSk: 'RESULT',
  budgetPk: (month: string) => `BUDGET#${month}`,
  budgetSk: 'SPENT',
  queuedPk: (month: string) => `QUEUED#${month}`,
  queuedSk: (couponId: string) => `COUPON#${couponId}`,
  incentiveWindowSk: (ruleId: string, windowKey: string) => `INCENTIVE#${encodeURIComponent(ruleId)}#${windowKey}`,
  incentiveMarkerSk: (ruleId: string, counter: 'exposed' | 'completed') => `INCENTIVE_USER#${encodeURIComponent(ruleId)}#${counter}`,
  incentiveStatsPk: (ruleId: string, shard: number) => `INCENTIVE#${encodeURIComponent(ruleId)}#${String(shard).padStart(2, '0')}`,
  incentiveStatsSk: 'STATS',
  reportMarkerSk: (report: string, counter: string) => `REPORT#${encodeURIComponent(report)}#${counter}`,
  reportCountsPk: (report: string, shard: number) => `REPORT#${encodeURIComponent(report)}#${String(shard).padStart(2, '0')}`,
  reportCountsSk: 'COUNTS',
  wakeShard: (shard: number) => `WAKE#${String(shard).padStart(2, '0')}`,
} as const;

/** Name of the sparse wake-up index on the users table (declared in the stateful stack). */
export const WAKE_INDEX_NAME = 'WakeIndex';

/**
 * Shard counts. Part of the key layout: changing one strands items under the old shards, so they
 * are constants, not configuration. 16 wake shards let the sweep query in parallel and keep each
 * index partition far under 1,000 writes/s even when a whole time zone wakes at 20:00.
 */
export const WAKE_SHARDS = 16;
export const DRAW_SHARDS = 16;
export const INCENTIVE_STATS_SHARDS = 16;
export const REPORT_COUNTER_SHARDS = 16;

/** A stable shard in [0, count) for a key: the same user always lands on the same shard. */
export function shardOf(key: string, count: number): number {
  return createHash('sha256').update(key, 'utf8').digest().readUInt32BE(0) % count;
}
