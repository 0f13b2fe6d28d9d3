import type { BehaviourEvent } from '../../../shared/domain/events/behaviour-event';
import { eventKeyOf } from '../../../shared/domain/events/event-identity';
import type { NewEventRecord } from '../../../shared/domain/events/month-activity';
import type { RawEventStore } from '../../../shared/domain/events/ports';

/**
 * Raw events in memory; like the table's stream, `inserts` lists each id's first write once (a
 * later write of the id replaces the stored event and adds no insert).
 */
export class InMemoryRawEventStore implements RawEventStore {
  readonly events = new Map<string, BehaviourEvent>();
  readonly inserts: NewEventRecord[] = [];
  private sequence = 100;

  async putAll(events: readonly BehaviourEvent[]): Promise<void> {
    for (const event of events) {
      if (!this.events.has(eventKeyOf(event))) this.inserts.push({ sequence: String(this.sequence++), event });
      this.events.set(eventKeyOf(event), event);
    }
  }
}
