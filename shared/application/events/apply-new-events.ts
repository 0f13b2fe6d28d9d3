import { emptyMonth, mergeNewEvents, monthKeyOf, type NewEventRecord } from '../../domain/events/month-activity';
import type { MonthActivityStore } from '../../domain/events/ports';

export interface ApplyNewEventsPorts {
  months: MonthActivityStore;
}

const monthId = (key: { userId: string; month: string }) => `${key.userId}\u0000${key.month}`;

/**
 * Adds newly stored events to the daily aggregates: per (user, month), one read of the month item
 * (batched), a merge of only the new events, one write (batched). A record applied already (a
 * redelivered batch) is skipped by its stream position, so nothing counts twice. Throws if a
 * write fails: the whole batch is then redelivered, and what was written is skipped.
 */
export async function applyNewEvents(records: readonly NewEventRecord[], ports: ApplyNewEventsPorts): Promise<{ applied: number; months: number }> {
  const groups = new Map<string, { key: { userId: string; month: string }; records: NewEventRecord[] }>();
  for (const record of records) {
    const key = monthKeyOf(record.event);
    const group = groups.get(monthId(key));
    if (group) group.records.push(record);
    else groups.set(monthId(key), { key, records: [record] });
  }
  const pending = [...groups.values()];
  const stored = new Map((await ports.months.getMonths(pending.map((group) => group.key))).map((month) => [monthId(month), month] as const));
  const merges = pending.map((group) => mergeNewEvents(stored.get(monthId(group.key)) ?? emptyMonth(group.key.userId, group.key.month), group.records));
  const changed = merges.filter((merge) => merge.applied > 0);
  await ports.months.putMonths(changed.map((merge) => merge.month));
  return { applied: changed.reduce((total, merge) => total + merge.applied, 0), months: groups.size };
}
