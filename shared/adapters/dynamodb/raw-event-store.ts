import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { BehaviourEvent } from '../../domain/events/behaviour-event';
import type { RawEventStore } from '../../domain/events/ports';
import { batchPut } from './batch';
import { expiresAfterDays, keys } from './keys';

function keyOf(event: BehaviourEvent) {
  return { pk: keys.userPk(event.userId), sk: keys.eventSk(event.eventId) };
}

/**
 * The stored item of a raw event. The event itself is kept as its JSON text: the store never
 * queries inside it, and a string is far cheaper for DynamoDB to write than a nested map
 * (measured on DynamoDB Local: the nested map was the larger part of the write cost).
 * Keys, type and time stay as attributes for stream filters and consumers.
 */
export function rawEventItem(event: BehaviourEvent, retentionDays: number) {
  return {
    ...keyOf(event),
    eventId: event.eventId,
    userId: event.userId,
    type: event.type,
    occurredAt: new Date(event.timestamp).toISOString(),
    event: JSON.stringify(event),
    expiresAt: expiresAfterDays(event.timestamp, retentionDays),
  };
}

/** The event of a stored raw-event item (JSON text; a map in items written before that). */
export const StoredBehaviourEvent = z.union([
  z
    .string()
    .transform((text, context) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        context.addIssue({ code: 'custom', message: 'the stored event is not valid JSON' });
        return z.NEVER;
      }
    })
    .pipe(BehaviourEvent),
  BehaviourEvent,
]);

/** Raw events in DynamoDB, one item per event, expiring after the retention period. */
export class DynamoRawEventStore implements RawEventStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly retentionDays: number,
  ) {}

  /**
   * Writes the events blind, as BatchWriteItem puts: no read first. Only an item's first write is
   * an INSERT on the stream (DynamoDB writes no stream record for a put identical to the stored
   * item, and a MODIFY for a changed one: checked on DynamoDB Local too), and only INSERTs are
   * applied, so a re-sent or racing id never counts twice. A changed re-send overwrites the item
   * for a moment; the aggregator puts the first content back from the MODIFY's old image
   * (`RawEventFirstContent`), so the stored item, like the applied one, is the first content.
   */
  async putAll(events: readonly BehaviourEvent[]): Promise<void> {
    await batchPut(
      this.client,
      this.tableName,
      events.map((event) => rawEventItem(event, this.retentionDays)),
    );
  }
}
