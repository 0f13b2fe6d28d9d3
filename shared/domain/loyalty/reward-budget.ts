import { z } from 'zod';
import { assertNever } from '../common';
import type { Coupon } from './rewards';

/**
 * A month's reward budget. Amounts are integers in one unit chosen by the operator (currency
 * minor units, or whole units) so that sums never drift as binary fractions would.
 * `whenExhausted` decides what happens to a reward that no longer fits.
 */
export const RewardBudgetConfig = z.object({
  monthlyBudget: z.number().int().nonnegative(),
  whenExhausted: z.enum(['queue-for-next-month', 'scale-down']),
  /**
   * Scale-down only: a reward is cut to the remaining budget rounded down to this step; when
   * less than one step remains, it is queued instead (a 0.37 coupon helps nobody).
   */
  scaleDownStep: z.number().int().positive().default(1),
});
export type RewardBudgetConfig = z.infer<typeof RewardBudgetConfig>;

/** What to do with one reward against this month's budget. */
export type BudgetDecision =
  { readonly kind: 'grant'; readonly amount: number } | { readonly kind: 'scale-down'; readonly amount: number } | { readonly kind: 'queue-for-next-month' };

/**
 * Decides whether a reward of `rewardAmount` fits the month's budget given `spentSoFar`.
 *
 * Pure: the caller records the spend with a condition that it still fits, e.g. DynamoDB
 * `UpdateItem` on `pk = BUDGET#<month>`: `SET spent = if_not_exists(spent, :zero) + :amount`
 * with `ConditionExpression: attribute_not_exists(spent) OR spent <= :budgetMinusAmount`; a
 * failed condition means another grant took the room: re-read `spent` and decide again.
 * A queued reward keeps its deterministic id, so granting it next month stays exactly-once.
 */
export function allocateReward(input: { readonly spentSoFar: number; readonly rewardAmount: number }, config: RewardBudgetConfig): BudgetDecision {
  const remaining = Math.max(0, config.monthlyBudget - input.spentSoFar);
  if (input.rewardAmount <= remaining) return { kind: 'grant', amount: input.rewardAmount };
  switch (config.whenExhausted) {
    case 'queue-for-next-month':
      return { kind: 'queue-for-next-month' };
    case 'scale-down': {
      const scaled = Math.floor(remaining / config.scaleDownStep) * config.scaleDownStep;
      return scaled >= config.scaleDownStep ? { kind: 'scale-down', amount: scaled } : { kind: 'queue-for-next-month' };
    }
    default:
      return assertNever(config.whenExhausted);
  }
}

/** A money coupon after the budget decided: issue it now (maybe smaller) or hold it for next month. */
export type BudgetedCoupon =
  { readonly kind: 'issue-now'; readonly coupon: Coupon; readonly scaledDown: boolean } | { readonly kind: 'queued-for-next-month'; readonly coupon: Coupon };

/**
 * Runs an amount-off coupon through the budget. Percent-off coupons have no fixed cost and pass
 * untouched: their cost is known only at redemption, and counting it then is the caller's call.
 * The coupon keeps its id in every case, so a queued coupon issued next month is still issued once.
 */
export function budgetCoupon(coupon: Coupon, spentSoFar: number, config: RewardBudgetConfig): BudgetedCoupon {
  switch (coupon.discount.kind) {
    case 'percent-off':
      return { kind: 'issue-now', coupon, scaledDown: false };
    case 'amount-off': {
      const decision = allocateReward({ spentSoFar, rewardAmount: coupon.discount.amount }, config);
      switch (decision.kind) {
        case 'grant':
          return { kind: 'issue-now', coupon, scaledDown: false };
        case 'scale-down':
          return { kind: 'issue-now', coupon: { ...coupon, discount: { kind: 'amount-off', amount: decision.amount } }, scaledDown: true };
        case 'queue-for-next-month':
          return { kind: 'queued-for-next-month', coupon };
        default:
          return assertNever(decision);
      }
    }
    default:
      return assertNever(coupon.discount);
  }
}
