import { aggregateDay } from '../../domain/events/daily-activity';
import type { DailyActivityStore, RawEventStore } from '../../domain/events/ports';

/**
 * Recomputes the daily aggregates of the given (user, day) pairs from the stored raw events.
 * A pure function of what is stored, so retries and duplicate triggers change nothing.
 */
export async function aggregateUserDays(
  keys: ReadonlyArray<{ userId: string; day: string }>,
  deps: { rawEvents: RawEventStore; activity: DailyActivityStore; concurrency?: number },
): Promise<{ aggregated: number }> {
  const queue = [...keys];
  const results: ReturnType<typeof aggregateDay>[] = [];
  const workers = Array.from({ length: Math.min(deps.concurrency ?? 8, queue.length) }, async () => {
    for (let key = queue.shift(); key; key = queue.shift()) {
      const events = await deps.rawEvents.eventsOfUserDay(key.userId, key.day);
      results.push(aggregateDay(key.userId, key.day, events));
    }
  });
  await Promise.all(workers);
  await deps.activity.putAll(results.filter((activity) => activity.eventCount > 0));
  return { aggregated: results.length };
}

