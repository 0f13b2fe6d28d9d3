import type { MonthActivity } from '../../../shared/domain/events/month-activity';
import { MonthChangedError, type MonthActivityStore } from '../../../shared/domain/events/ports';

/** Month items in memory, with the adapter's optimistic concurrency; `failNextPutOf` injects a failure. */
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

  async putMonth(month: MonthActivity): Promise<void> {
    const id = `${month.userId}|${month.month}`;
    if (this.failures.delete(id)) throw new Error(`injected failure writing ${id}`);
    const stored = this.months.get(id);
    if ((stored?.version ?? null) !== month.version) throw new MonthChangedError(`${id} changed meanwhile`);
    this.months.set(id, structuredClone({ ...month, version: (month.version ?? 0) + 1 }));
  }

  dayOf(userId: string, day: string) {
    return this.months.get(`${userId}|${day.slice(0, 7)}`)?.days.get(day);
  }
}
