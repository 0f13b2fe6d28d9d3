import { emptyMonth, mergeNewEvents, monthKeyOf, type MonthActivity, type NewEventRecord } from '../../domain/events/month-activity';
import { MonthChangedError, type MonthActivityStore } from '../../domain/events/ports';

export interface ApplyNewEventsPorts {
  months: MonthActivityStore;
  /** Months written at once; each is one read-merge-write. */
  concurrency?: number;
}

const MAX_ATTEMPTS = 5;

const monthId = (key: { userId: string; month: string }) => `${key.userId}\u0000${key.month}`;

/**
 * Adds newly stored events to the daily aggregates: per (user, month), one read of the month item,
 * a merge of only the new events, one conditional write. A record applied already (a redelivered
 * batch) is skipped by its stream position, so nothing counts twice; a month changed by another
 * writer meanwhile is read and merged again. Throws if any month could not be written: the whole
 * batch is then redelivered, and what was written is skipped.
 */
export async function applyNewEvents(records: readonly NewEventRecord[], ports: ApplyNewEventsPorts): Promise<{ applied: number; months: number }> {
  const groups = new Map<string, { key: { userId: string; month: string }; records: NewEventRecord[] }>();
  for (const record of records) {
    const key = monthKeyOf(record.event);
    const group = groups.get(monthId(key));
    if (group) group.records.push(record);
    else groups.set(monthId(key), { key, records: [record] });
  }
  let pending = [...groups.values()];
  let applied = 0;
  const failures: unknown[] = [];
  for (let attempt = 1; pending.length > 0; attempt++) {
    const stored = new Map((await ports.months.getMonths(pending.map((group) => group.key))).map((month) => [monthId(month), month] as const));
    const retry: typeof pending = [];
    await forEachConcurrently(pending, ports.concurrency ?? 16, async (group) => {
      const current: MonthActivity = stored.get(monthId(group.key)) ?? emptyMonth(group.key.userId, group.key.month);
      const merged = mergeNewEvents(current, group.records);
      if (merged.applied === 0) return;
      try {
        await ports.months.putMonth(merged.month);
        applied += merged.applied;
      } catch (error) {
        if (error instanceof MonthChangedError && attempt < MAX_ATTEMPTS) retry.push(group);
        else failures.push(error);
      }
    });
    pending = retry;
  }
  if (failures.length > 0) throw new AggregateError(failures, `${failures.length} of ${groups.size} months could not be written; the batch will be redelivered`);
  return { applied, months: groups.size };
}

async function forEachConcurrently<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}
