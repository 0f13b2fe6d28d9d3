import type { MonthActivity } from '../../../shared/domain/events/month-activity';
import type { MonthActivityStore } from '../../../shared/domain/events/ports';

/** Month items in memory, written as the adapter writes them; `failNextPutOf` injects a failure. */
export class InMemoryMonthActivityStore implements MonthActivityStore {
  readonly months = new Map<string, MonthActivity>();
  private readonly failures = new Set<string>();

  failNextPutOf(userId: string, month: string): void {
    this.failures.add(`${userId}|${month}`);
  }

  async getMonths(keys: ReadonlyArray<{ userId: string; month: string }>): Promise<MonthActivity[]> {
    return keys.flatMap((key) => {
      const month = this.months.get(`${key.userId}|${key.month}`);
      return month ? [structuredClone(month)] : [];
    });
  }

  /** Like the adapter: writes each month it can, then fails if a failure was injected for one. */
  async putMonths(months: readonly MonthActivity[]): Promise<void> {
    let failure: Error | undefined;
    for (const month of months) {
      const id = `${month.userId}|${month.month}`;
      if (this.failures.delete(id)) {
        failure = new Error(`injected failure writing ${id}`);
        continue;
      }
      this.months.set(id, structuredClone(month));
    }
    if (failure) throw failure;
  }

  dayOf(userId: string, day: string) {
    return this.months.get(`${userId}|${day.slice(0, 7)}`)?.days.get(day);
  }
}
