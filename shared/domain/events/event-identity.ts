import type { Problem } from '../common';
import type { BehaviourEvent } from './behaviour-event';

/** What identifies an event: its id within its user. */
export function eventKeyOf(event: Pick<BehaviourEvent, 'userId' | 'eventId'>): string {
  return `${event.userId}\u0000${event.eventId}`;
}

/** The event's content in one canonical text: fields sorted, the timestamp as its UTC instant. */
function canonicalContent(event: BehaviourEvent): string {
  const normalized: Record<string, unknown> = { ...event, timestamp: new Date(event.timestamp).toISOString() };
  return JSON.stringify(
    Object.keys(normalized)
      .sort()
      .map((key) => [key, normalized[key]]),
  );
}

/** True when two events with one id say the same thing (the same instant in any offset counts as the same). */
export function sameEventContent(a: BehaviourEvent, b: BehaviourEvent): boolean {
  return canonicalContent(a) === canonicalContent(b);
}

/**
 * The batch's events with one copy per (user, event id), or the problems if an id appears twice
 * with different contents: a producer bug the batch cannot be trusted past. Identical copies are
 * duplicates, not problems.
 */
export function uniqueEventsOfBatch(events: readonly BehaviourEvent[]): { ok: true; events: BehaviourEvent[] } | { ok: false; problems: Problem[] } {
  const firstIndex = new Map<string, number>();
  const problems: Problem[] = [];
  events.forEach((event, index) => {
    const key = eventKeyOf(event);
    const first = firstIndex.get(key);
    if (first === undefined) firstIndex.set(key, index);
    else if (!sameEventContent(events[first]!, event)) {
      const message = `eventId ${event.eventId} appears twice with different contents (indexes ${first} and ${index})`;
      problems.push({ index: first, path: 'eventId', message }, { index, path: 'eventId', message });
    }
  });
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, events: [...firstIndex.values()].map((index) => events[index]!) };
}
