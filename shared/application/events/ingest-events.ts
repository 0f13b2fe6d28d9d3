import type { Clock, Problem } from '../../domain/common';
import { uniqueEventsOfBatch } from '../../domain/events/event-identity';
import type { RawEventStore } from '../../domain/events/ports';
import { validateEventBatch, type EventTimeWindow } from '../../domain/events/validate-batch';

export type IngestOutcome = { kind: 'accepted'; accepted: number } | { kind: 'invalid'; problems: Problem[] };

export interface IngestEventsPorts {
  rawEvents: RawEventStore;
  clock: Clock;
  window: EventTimeWindow;
}

/**
 * Accepts a batch of behaviour events: validates it whole, then stores every event durably
 * before answering. Idempotent by event id within its user, without reading first: the store is
 * keyed by (user, event id), and only an item's first write is an INSERT on the table's stream
 * (rewriting an identical item writes no stream record at all; a changed one is a MODIFY), and
 * only INSERTs are applied. So an id stored already is a duplicate whatever it says now, and is
 * dropped when applied: the aggregates and every stream consumer keep the first content. The
 * answer cannot say which events were new (nothing was read); it counts what was accepted. One
 * id twice in the batch with different contents rejects the batch.
 */
export async function ingestEvents(body: unknown, ports: IngestEventsPorts): Promise<IngestOutcome> {
  const validation = validateEventBatch(body, ports.clock.now(), ports.window);
  if (!validation.ok) return { kind: 'invalid', problems: validation.problems };
  const unique = uniqueEventsOfBatch(validation.events);
  if (!unique.ok) return { kind: 'invalid', problems: unique.problems };
  await ports.rawEvents.putAll(unique.events);
  return { kind: 'accepted', accepted: validation.events.length };
}
