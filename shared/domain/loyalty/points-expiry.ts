import { z } from 'zod';
import { MS_PER_DAY } from '../common';
import { ledgerEntryIds, rewardIds } from './ids';
import type { ExpiryEntry, LedgerBalance, LedgerEntry, RedemptionEntry } from './ledger';
import { balanceDeltaOf } from './ledger';
import { localDayOf } from './local-day';

/**
 * Points that expire at `grantedBefore`: those granted at or before it and not yet consumed (a
 * grant's points have expired from the instant `expireAfterDays` after it).
 * Spending is taken to consume the oldest points first (FIFO), so every debit so far (redemption,
 * earlier expiry, negative adjustment) is counted against the old grants before the new ones.
 */
export function pointsExpiring(history: readonly LedgerEntry[], grantedBefore: Date): number {
  const cutoff = grantedBefore.getTime();
  let oldCredits = 0;
  let debits = 0;
  for (const entry of history) {
    if (entry.account !== 'points') continue;
    const delta = balanceDeltaOf(entry);
    if (delta < 0) debits += -delta;
    else if (new Date(entry.occurredAt).getTime() <= cutoff) oldCredits += delta;
  }
  return Math.max(0, oldCredits - debits);
}

/**
 * The expiry entry for a run, clamped to the current balance; `undefined` when nothing expires.
 * Append it with `expectedBalanceVersion = balance.version` so a concurrent redemption forces a
 * recomputation instead of expiring points that were just spent. One expiry per user per cutoff
 * day: re-running the same expiry sweep is refused as already granted.
 */
export function buildExpiryEntry(input: {
  readonly userId: string;
  readonly history: readonly LedgerEntry[];
  readonly balance: LedgerBalance;
  readonly grantedBefore: Date;
  readonly at: Date;
}): ExpiryEntry | undefined {
  const amount = Math.min(pointsExpiring(input.history, input.grantedBefore), input.balance.amount);
  if (amount <= 0) return undefined;
  return {
    kind: 'expiry',
    id: ledgerEntryIds.expiry(input.userId, 'points', localDayOf(input.grantedBefore, 'UTC')),
    userId: input.userId,
    account: 'points',
    amount,
    grantedBefore: input.grantedBefore.toISOString(),
    occurredAt: input.at.toISOString(),
  };
}

/** A points redemption; the ledger refuses it whole if the balance is short. */
export function buildRedemptionEntry(input: {
  readonly userId: string;
  readonly redemptionId: string;
  readonly amount: number;
  readonly reference: string;
  readonly at: Date;
}): RedemptionEntry {
  return {
    kind: 'redemption',
    id: ledgerEntryIds.redemption(input.userId, input.redemptionId),
    userId: input.userId,
    account: 'points',
    amount: input.amount,
    reference: input.reference,
    occurredAt: input.at.toISOString(),
  };
}

/** How long points last: they expire `expireAfterDays` after they were granted, oldest first. */
export const PointsExpiryConfig = z.object({
  expireAfterDays: z.number().int().positive().default(365),
  /** An expiry notice goes out this many days before points expire (0: none). */
  noticeDaysBefore: z.number().int().nonnegative().default(30),
});
export type PointsExpiryConfig = z.infer<typeof PointsExpiryConfig>;

/** The instant before which granted points have expired at `now`. */
export function expiryCutoffAt(now: Date, config: PointsExpiryConfig): Date {
  return new Date(now.getTime() - config.expireAfterDays * MS_PER_DAY);
}

/**
 * What expires within the notice period after `now` (on top of what has already expired): the
 * amount, and the instant the first of it expires. Undefined when nothing is about to expire.
 */
export function pointsExpiringSoon(
  history: readonly LedgerEntry[],
  now: Date,
  config: PointsExpiryConfig,
): { readonly amount: number; readonly from: string } | undefined {
  const cutoff = expiryCutoffAt(now, config);
  const soon = pointsExpiring(history, new Date(cutoff.getTime() + config.noticeDaysBefore * MS_PER_DAY)) - pointsExpiring(history, cutoff);
  if (soon <= 0) return undefined;
  const firstGrant = history.find(
    (entry) => entry.account === 'points' && balanceDeltaOf(entry) > 0 && new Date(entry.occurredAt).getTime() >= cutoff.getTime(),
  );
  return { amount: soon, from: new Date(new Date(firstGrant?.occurredAt ?? now).getTime() + config.expireAfterDays * MS_PER_DAY).toISOString() };
}

/** One points grant and what is left of it after every debit so far took the oldest points first. */
export interface PointsLot {
  /** The grant's ledger entry id. */
  readonly grantId: string;
  readonly grantedAt: string;
  readonly remaining: number;
}

/** The user's points lots, oldest first: each grant minus what debits (FIFO) took from it. */
export function pointsLots(history: readonly LedgerEntry[]): PointsLot[] {
  const points = history.filter((entry) => entry.account === 'points');
  let debits = points.reduce((sum, entry) => sum + Math.max(0, -balanceDeltaOf(entry)), 0);
  const lots: PointsLot[] = [];
  for (const entry of points) {
    const credit = balanceDeltaOf(entry);
    if (credit <= 0) continue;
    const taken = Math.min(credit, debits);
    debits -= taken;
    lots.push({ grantId: entry.id, grantedAt: entry.occurredAt, remaining: credit - taken });
  }
  return lots;
}

/** When a lot's points expire. */
export function lotExpiresAt(grantedAt: string, config: PointsExpiryConfig): Date {
  return new Date(new Date(grantedAt).getTime() + config.expireAfterDays * MS_PER_DAY);
}

/** When the user is told about a lot (its expiry itself when notices are off). */
export function lotNoticeAt(grantedAt: string, config: PointsExpiryConfig): Date {
  return new Date(lotExpiresAt(grantedAt, config).getTime() - config.noticeDaysBefore * MS_PER_DAY);
}

/** A notice owed for one lot: its points expire within the notice period. `messageId` sends it once. */
export interface ExpiryNotice {
  readonly messageId: string;
  readonly userId: string;
  readonly grantId: string;
  readonly amount: number;
  readonly expiresAt: string;
}

/**
 * The notices due at `now`: one per lot with points left whose notice time has come and that has
 * not expired yet. Idempotent by lot: the same lot always yields the same message id.
 */
export function expiryNoticesDue(userId: string, history: readonly LedgerEntry[], now: Date, config: PointsExpiryConfig): ExpiryNotice[] {
  if (config.noticeDaysBefore === 0) return [];
  return pointsLots(history)
    .filter((lot) => lot.remaining > 0 && lotNoticeAt(lot.grantedAt, config) <= now && lotExpiresAt(lot.grantedAt, config) > now)
    .map((lot) => ({
      messageId: rewardIds.pointsExpiryNotice(userId, lot.grantId),
      userId,
      grantId: lot.grantId,
      amount: lot.remaining,
      expiresAt: lotExpiresAt(lot.grantedAt, config).toISOString(),
    }));
}

/**
 * When the expiry watch must next look at the user: the earliest coming notice or expiry of a lot
 * with points left, or `undefined` when nothing is left to watch.
 */
export function nextExpiryWatchAt(history: readonly LedgerEntry[], now: Date, config: PointsExpiryConfig): Date | undefined {
  let next: Date | undefined;
  for (const lot of pointsLots(history)) {
    if (lot.remaining <= 0) continue;
    const notice = lotNoticeAt(lot.grantedAt, config);
    const expiry = lotExpiresAt(lot.grantedAt, config);
    const due = notice > now ? notice : expiry > now ? expiry : now;
    if (!next || due < next) next = due;
  }
  return next;
}

/**
 * The wake-up a new points grant arms the expiry watch with (when it is not armed already):
 * the grant's notice time. Growth and debits arm nothing.
 */
export function expiryWatchWakeOf(config: PointsExpiryConfig) {
  return (entry: LedgerEntry): Date | undefined =>
    entry.account === 'points' && balanceDeltaOf(entry) > 0 ? lotNoticeAt(entry.occurredAt, config) : undefined;
}
