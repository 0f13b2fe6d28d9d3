import type { Clock } from '../common';
import type { BehaviourEvent } from './behaviour-event';
import { aggregateDay, touchedUserDays } from './daily-activity';
import type { DailyActivityStore, RawEventStore } from './ports';
import { validateEventBatch, type EventTimeWindow, type ValidationProblem } from './validate-batch';

export type IngestOutcome =
  | { kind: 'accepted'; accepted: number; new: number; duplicates: number }
  | { kind: 'invalid'; problems: ValidationProblem[] };

/**
 * Accepts a batch of behaviour events: validates it whole, then stores every event durably before
 * answering. An event whose key is stored already counts as a duplicate; aggregation happens
 * after, from the stored events (see {@link aggregateUserDays}), so a duplicate never counts twice.
 */
export async function ingestEvents(
  body: unknown,
  deps: { rawEvents: RawEventStore; clock: Clock; window: EventTimeWindow },
): Promise<IngestOutcome> {
  const validation = validateEventBatch(body, deps.clock.now(), deps.window);
  if (!validation.ok) return { kind: 'invalid', problems: validation.problems };

  const unique = dedupeById(validation.events);
  const stored = await deps.rawEvents.findStored(unique);
  const fresh = unique.filter((event) => !stored.has(event.eventId));
  // Store the whole batch, not only the fresh part: if an earlier attempt stored some events and
  // failed before answering, writing them again is harmless and re-triggers their aggregation.
  await deps.rawEvents.putAll(unique);
  return { kind: 'accepted', accepted: validation.events.length, new: fresh.length, duplicates: validation.events.length - fresh.length };
}

function dedupeById(events: readonly BehaviourEvent[]): BehaviourEvent[] {
  const byId = new Map<string, BehaviourEvent>();
  for (const event of events) if (!byId.has(event.eventId)) byId.set(event.eventId, event);
  return [...byId.values()];
}

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

export { touchedUserDays };
