import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { z } from 'zod';
import type { BehaviourEvent } from '../../domain/events/behaviour-event';
import type { NewEventRecord } from '../../domain/events/month-activity';
import { StoredBehaviourEvent } from './raw-event-store';

const StoredEventImage = z.object({ event: StoredBehaviourEvent });
const Sequence = z.string().regex(/^\d+$/, 'a stream sequence number is decimal digits');

/**
 * The event of a raw-event item's stream image. Its JSON text is read straight from the image and
 * validated, without unmarshalling the other attributes (half the aggregator's parsing time,
 * measured: 60–75 against 160–220 ms for 40,000 records); an older item's map goes the long way.
 */
function eventOf(image: Record<string, AttributeValue>): BehaviourEvent {
  const text = image.event?.S;
  if (text !== undefined) return StoredBehaviourEvent.parse(text);
  return StoredEventImage.parse(unmarshall(image)).event;
}

/**
 * The new events of a raw-event stream batch: INSERT records only. A MODIFY is a second write of
 * a stored id (never applied again) and a REMOVE is TTL expiry (the aggregates stay).
 */
export function newEventRecordsOf(event: DynamoDBStreamEvent): NewEventRecord[] {
  const records: NewEventRecord[] = [];
  for (const record of event.Records) {
    if (record.eventName !== 'INSERT' || !record.dynamodb?.NewImage) continue;
    records.push({ sequence: Sequence.parse(record.dynamodb.SequenceNumber), event: eventOf(record.dynamodb.NewImage as Record<string, AttributeValue>) });
  }
  return records;
}
