import { z } from 'zod';
import { MS_PER_DAY } from '../common';
import { ledgerEntryIds } from './ids';
import type { ExpiryEntry, LedgerBalance, LedgerEntry, RedemptionEntry } from './ledger';
import { balanceDeltaOf } from './ledger';
import { localDayOf } from './local-day';

/**
 * Points that expire at `grantedBefore`: those granted before it and not yet consumed.
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
    else if (new Date(entry.occurredAt).getTime() < cutoff) oldCredits += delta;
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
