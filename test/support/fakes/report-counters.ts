import type { LoyaltyReportCounters } from '../../../shared/domain/loyalty';

/** `LoyaltyReportCounters` in memory: a set of counted users per report and counter. */
export class InMemoryReportCounters implements LoyaltyReportCounters {
  private readonly counted = new Map<string, Map<string, Set<string>>>();

  async countOnce(userId: string, report: string, counter: string): Promise<'counted' | 'already-counted'> {
    const counters = this.counted.get(report) ?? new Map<string, Set<string>>();
    this.counted.set(report, counters);
    const users = counters.get(counter) ?? new Set<string>();
    counters.set(counter, users);
    if (users.has(userId)) return 'already-counted';
    users.add(userId);
    return 'counted';
  }

  async totals(report: string): Promise<Readonly<Record<string, number>>> {
    return Object.fromEntries([...(this.counted.get(report) ?? new Map<string, Set<string>>())].map(([counter, users]) => [counter, users.size]));
  }
}
