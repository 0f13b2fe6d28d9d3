import { Coupon, type BudgetedIssueOutcome, type CouponStore } from '../../../shared/domain/loyalty';
import { InMemoryRewardBudget } from './reward-budget-store';

/**
 * `CouponStore` in memory; check-and-write is one synchronous step. Budgeted issues add their
 * cost to the given budget's spend in the same step, as the adapter's transaction does.
 */
export class InMemoryCouponStore implements CouponStore {
  private readonly couponsById = new Map<string, Coupon>();

  /** `budget`: the spend budgeted issues count against (a budget of its own when none is given). */
  constructor(private readonly budget: InMemoryRewardBudget = new InMemoryRewardBudget()) {}

  async issue(coupon: Coupon): Promise<'issued' | 'already-issued'> {
    const valid = Coupon.parse(coupon);
    if (this.couponsById.has(valid.id)) return 'already-issued';
    this.couponsById.set(valid.id, valid);
    return 'issued';
  }

  async issueWithinBudget(coupon: Coupon, month: string, cost: number, monthlyBudget: number): Promise<BudgetedIssueOutcome> {
    const valid = Coupon.parse(coupon);
    if (this.couponsById.has(valid.id)) return 'already-issued';
    if (!this.budget.trySpend(month, cost, monthlyBudget)) return 'no-room';
    this.couponsById.set(valid.id, valid);
    return 'issued';
  }

  async couponsOf(userId: string): Promise<readonly Coupon[]> {
    return [...this.couponsById.values()].filter((coupon) => coupon.userId === userId);
  }
}
