import type { LocalDay } from './local-day';

/**
 * Deterministic ids of everything the loyalty domain grants. The same fact always yields the
 * same id, so a retry, a duplicate event or a concurrent request collides on the id and is
 * refused as already granted instead of granting twice.
 *
 * Each part is URI-encoded so a `#` inside a user id cannot make two different facts share an
 * id (user `a#b` in program `c` vs user `a` in program `b#c`).
 */
function idOf(kind: string, ...parts: readonly string[]): string {
  return [kind, ...parts.map((part) => encodeURIComponent(part))].join('#');
}

/** Ids of ledger entries (points and growth). */
export const ledgerEntryIds = {
  checkin: (userId: string, programId: string, localDay: LocalDay) => idOf('checkin', userId, programId, localDay),
  streakBonus: (userId: string, programId: string, localDay: LocalDay) => idOf('streak-bonus', userId, programId, localDay),
  programCompletion: (userId: string, programId: string) => idOf('program-completion', userId, programId),
  incentive: (userId: string, ruleId: string, windowKey: string) => idOf('incentive', userId, ruleId, windowKey),
  referral: (userId: string, refereeId: string, milestone: string) => idOf('referral', userId, refereeId, milestone),
  purchaseGrowth: (userId: string, purchaseEventId: string) => idOf('purchase', userId, purchaseEventId),
  refundGrowth: (userId: string, refundEventId: string) => idOf('refund', userId, refundEventId),
  redemption: (userId: string, redemptionId: string) => idOf('redemption', userId, redemptionId),
  expiry: (userId: string, account: string, cutoffDay: LocalDay) => idOf('expiry', userId, account, cutoffDay),
  adjustment: (userId: string, adjustmentId: string) => idOf('adjustment', userId, adjustmentId),
} as const;

/** Keys of the counters ledger caps count under (`GrantCap.key`), one counter per user and key. */
export const grantCapKeys = {
  incentive: (ruleId: string) => idOf('incentive', ruleId),
} as const;

/** Ids of coupons, draw entries, reminders and events. */
export const rewardIds = {
  checkinCompletionCoupon: (userId: string, programId: string) => idOf('checkin-completion', userId, programId),
  referralSignupCoupon: (referrerId: string, refereeId: string) => idOf('referral-signup', referrerId, refereeId),
  referralFirstPurchaseCoupon: (referrerId: string, refereeId: string) => idOf('referral-first-purchase', referrerId, refereeId),
  drawEntry: (month: string, userId: string) => idOf('draw', month, userId),
  checkinReminder: (userId: string, programId: string, localDay: LocalDay) => idOf('checkin-reminder', userId, programId, localDay),
  levelChange: (userId: string, causedByEntryId: string) => idOf('level-change', userId, causedByEntryId),
  /** One notice per expiring lot: the points grant whose points are about to expire. */
  pointsExpiryNotice: (userId: string, grantEntryId: string) => idOf('points-expiry-notice', userId, grantEntryId),
} as const;
