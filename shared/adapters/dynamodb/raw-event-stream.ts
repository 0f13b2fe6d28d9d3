import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { z } from 'zod';
import type { NewEventRecord } from '../../domain/events/month-activity';
import { StoredBehaviourEvent } from './raw-event-store';

const StoredEventImage = z.object({ event: StoredBehaviourEvent });
const Sequence = z.string().regex(/^\d+$/, 'a stream sequence number is decimal digits');

/**
 * The new events of a raw-event stream batch: INSERT records only. A MODIFY is a second write of
 * a stored id (never applied again) and a REMOVE is TTL expiry (the aggregates stay).
 */
export function newEventRecordsOf(event: DynamoDBStreamEvent): NewEventRecord[] {
  const records: NewEventRecord[] = [];
  for (const record of event.Records) {
    if (record.eventName !== 'INSERT' || !record.dynamodb?.NewImage) continue;
    const image = StoredEventImage.parse(unmarshall(record.dynamodb.NewImage as Record<string, AttributeValue>));
    records.push({ sequence: Sequence.parse(record.dynamodb.SequenceNumber), event: image.event });
  }
  return records;
}
