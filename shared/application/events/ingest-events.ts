import type { Clock } from '../../domain/common';
import type { BehaviourEvent } from '../../domain/events/behaviour-event';
import type { RawEventStore } from '../../domain/events/ports';
import { validateEventBatch, type EventTimeWindow, type ValidationProblem } from '../../domain/events/validate-batch';

export type IngestOutcome =
  | { kind: 'accepted'; accepted: number; new: number; duplicates: number }
  | { kind: 'invalid'; problems: ValidationProblem[] };

/**
 * Accepts a batch of behaviour events: validates it whole, then stores every event durably before
 * answering. An event whose key is stored already counts as a duplicate; aggregation happens
 * after, from the stored events (see `aggregateUserDays`), so a duplicate never counts twice.
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
