import { Coupon, type RewardBudgetStore } from '../../../shared/domain/loyalty';

/** `RewardBudgetStore` in memory: each month's spend and queue. */
export class InMemoryRewardBudget implements RewardBudgetStore {
  private readonly spentByMonth = new Map<string, number>();
  private readonly queues = new Map<string, Map<string, Coupon>>();

  async spent(month: string): Promise<number> {
    return this.spentByMonth.get(month) ?? 0;
  }

  /** Adds `cost` to the month's spend when it still fits (the adapter's conditional update). */
  trySpend(month: string, cost: number, monthlyBudget: number): boolean {
    const spent = this.spentByMonth.get(month) ?? 0;
    if (spent + cost > monthlyBudget) return false;
    this.spentByMonth.set(month, spent + cost);
    return true;
  }

  async queue(coupon: Coupon, month: string): Promise<'queued' | 'already-queued'> {
    const queue = this.queues.get(month) ?? new Map<string, Coupon>();
    this.queues.set(month, queue);
    if (queue.has(coupon.id)) return 'already-queued';
    queue.set(coupon.id, Coupon.parse(coupon));
    return 'queued';
  }

  async dequeue(coupon: Coupon, month: string): Promise<void> {
    this.queues.get(month)?.delete(coupon.id);
  }

  async queued(month: string): Promise<readonly Coupon[]> {
    return [...(this.queues.get(month)?.values() ?? [])];
  }
}
