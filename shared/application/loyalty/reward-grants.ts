import {
  assertNever,
  budgetCoupon,
  nextMonthOf,
  RewardBudgetContentionError,
  utcMonthOf,
  type AppendOutcome,
  type Coupon,
  type LoyaltyPorts,
  type RewardGrant,
} from '../../domain/loyalty';
import { sendCouponIssued } from './loyalty-messages';

/** The ports granting rewards needs. */
export type GrantPorts = Pick<LoyaltyPorts, 'ledger' | 'coupons' | 'drawEntries' | 'budget' | 'messages' | 'clock' | 'rules'>;

/** What applying one grant did, budget included. */
export type AppliedGrant =
  | { readonly kind: 'points'; readonly entryId: string; readonly outcome: AppendOutcome }
  | {
      readonly kind: 'coupon';
      readonly couponId: string;
      readonly outcome: 'issued' | 'already-issued' | 'queued-for-next-month';
      /** The amount counted against the budget (amount-off coupons only; smaller when scaled down). */
      readonly amount?: number;
      readonly queuedFor?: string;
    }
  | { readonly kind: 'draw-entry'; readonly entryId: string; readonly outcome: 'entered' | 'already-entered' };

const MAX_BUDGET_ATTEMPTS = 5;

/**
 * Issues a coupon through `month`'s reward budget and tells the user. Amount-off coupons count
 * against the budget (issued whole, scaled down, or queued for next month per configuration);
 * percent-off coupons have no fixed cost and pass untouched (so the budget is not even read).
 * The spend and the coupon are written in one transaction; losing the room to a concurrent grant
 * re-reads the spend and decides again.
 * @throws RewardBudgetContentionError when the spend kept moving for every attempt.
 */
export async function issueBudgetedCoupon(ports: GrantPorts, coupon: Coupon, month: string): Promise<Extract<AppliedGrant, { kind: 'coupon' }>> {
  if (coupon.discount.kind === 'percent-off') {
    const issued = await ports.coupons.issue(coupon);
    await sendCouponIssued(ports, coupon);
    return { kind: 'coupon', couponId: coupon.id, outcome: issued };
  }
  for (let attempt = 0; attempt < MAX_BUDGET_ATTEMPTS; attempt += 1) {
    const decision = budgetCoupon(coupon, await ports.budget.spent(month), ports.rules.budget);
    switch (decision.kind) {
      case 'queued-for-next-month': {
        const queuedFor = nextMonthOf(month);
        await ports.budget.queue(decision.coupon, queuedFor, ports.clock.now());
        return { kind: 'coupon', couponId: coupon.id, outcome: 'queued-for-next-month', queuedFor };
      }
      case 'issue-now': {
        const { discount } = decision.coupon;
        const cost = discount.kind === 'amount-off' ? discount.amount : 0;
        const issued = await ports.coupons.issueWithinBudget(decision.coupon, month, cost, ports.rules.budget.monthlyBudget);
        if (issued === 'no-room') continue;
        await sendCouponIssued(ports, decision.coupon);
        return { kind: 'coupon', couponId: coupon.id, outcome: issued, amount: cost };
      }
      default:
        return assertNever(decision);
    }
  }
  throw new RewardBudgetContentionError(month, coupon.id, MAX_BUDGET_ATTEMPTS);
}

/**
 * The one way rewards are granted: in order, each idempotent by its id, coupons through the
 * budget of the month they are granted in (points and draw entries cost the budget nothing).
 * The whole list can be replayed after a crash or a retry: what was written answers "already …",
 * the rest is written. Callers persist their own state only after this returns, so a crash in
 * between replays the grants rather than losing them.
 */
export async function grantRewards(ports: GrantPorts, grants: readonly RewardGrant[]): Promise<AppliedGrant[]> {
  const month = utcMonthOf(ports.clock.now());
  const applied: AppliedGrant[] = [];
  for (const grant of grants) {
    switch (grant.kind) {
      case 'points':
        applied.push({ kind: 'points', entryId: grant.entry.id, outcome: await ports.ledger.append(grant.entry) });
        break;
      case 'coupon':
        applied.push(await issueBudgetedCoupon(ports, grant.coupon, month));
        break;
      case 'draw-entry':
        applied.push({ kind: 'draw-entry', entryId: grant.entry.id, outcome: await ports.drawEntries.enter(grant.entry) });
        break;
      default:
        assertNever(grant);
    }
  }
  return applied;
}

/** Issues the coupons queued for `month` through its budget; what still does not fit moves on a month. */
export async function releaseQueuedCoupons(ports: GrantPorts, month: string): Promise<number> {
  let released = 0;
  for (const coupon of await ports.budget.queued(month)) {
    const applied = await issueBudgetedCoupon(ports, coupon, month);
    if (applied.outcome === 'issued') released += 1;
    await ports.budget.dequeue(coupon, month);
  }
  return released;
}

/** What a list of applied grants newly gave, for the business counters. */
export interface GrantCounts {
  readonly pointsGranted: number;
  readonly couponsIssued: number;
  readonly couponsQueued: number;
  readonly drawEntries: number;
}

/** Counts what was newly written (a replay answering "already …" counts nothing). */
export function countNewGrants(applied: readonly AppliedGrant[]): GrantCounts {
  let pointsGranted = 0;
  let couponsIssued = 0;
  let couponsQueued = 0;
  let drawEntries = 0;
  for (const grant of applied) {
    switch (grant.kind) {
      case 'points':
        if (grant.outcome.kind === 'appended') pointsGranted += 1;
        break;
      case 'coupon':
        if (grant.outcome === 'issued') couponsIssued += 1;
        else if (grant.outcome === 'queued-for-next-month') couponsQueued += 1;
        break;
      case 'draw-entry':
        if (grant.outcome === 'entered') drawEntries += 1;
        break;
      default:
        assertNever(grant);
    }
  }
  return { pointsGranted, couponsIssued, couponsQueued, drawEntries };
}
