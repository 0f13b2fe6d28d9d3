import type { Clock, Problem } from '../../domain/common';
import { eventKeyOf, sameEventContent, uniqueEventsOfBatch } from '../../domain/events/event-identity';
import type { RawEventStore } from '../../domain/events/ports';
import { validateEventBatch, type EventTimeWindow } from '../../domain/events/validate-batch';

export type IngestOutcome =
  | {
      kind: 'accepted';
      accepted: number;
      new: number;
      duplicates: number;
      /** Ids of the duplicates whose content differs from what was stored first (which stays applied). */
      conflicting: string[];
    }
  | { kind: 'invalid'; problems: Problem[] };

export interface IngestEventsPorts {
  rawEvents: RawEventStore;
  clock: Clock;
  window: EventTimeWindow;
}

/**
 * Accepts a batch of behaviour events: validates it whole, then stores the new ones durably before
 * answering. Idempotent by event id within its user: an id stored already is a duplicate whatever
 * it says now (another timestamp, another amount), acknowledged and not applied; it is listed in
 * `conflicting` when its content differs. One id twice in the batch with different contents
 * rejects the batch. Only first writes reach the aggregates (the stream consumer applies INSERTs).
 */
export async function ingestEvents(body: unknown, ports: IngestEventsPorts): Promise<IngestOutcome> {
  const validation = validateEventBatch(body, ports.clock.now(), ports.window);
  if (!validation.ok) return { kind: 'invalid', problems: validation.problems };
  const unique = uniqueEventsOfBatch(validation.events);
  if (!unique.ok) return { kind: 'invalid', problems: unique.problems };

  const stored = await ports.rawEvents.findStored(unique.events);
  const fresh = unique.events.filter((event) => !stored.has(eventKeyOf(event)));
  const conflicting = unique.events.filter((event) => {
    const first = stored.get(eventKeyOf(event));
    return first !== undefined && !sameEventContent(first, event);
  });
  await ports.rawEvents.putAll(fresh);
  return {
    kind: 'accepted',
    accepted: validation.events.length,
    new: fresh.length,
    duplicates: validation.events.length - fresh.length,
    conflicting: conflicting.map((event) => event.eventId),
  };
}
