import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { newEventRecordsOf } from '../../../shared/adapters/dynamodb/raw-event-stream';
import { rawEventItem } from '../../../shared/adapters/dynamodb/raw-event-store';
import type { BehaviourEvent } from '../../../shared/domain/events/behaviour-event';

const purchase: BehaviourEvent = {
  eventId: 'p1',
  userId: 'u1',
  type: 'purchase',
  orderId: 'o1',
  amount: 12.5,
  currency: 'CNY',
  timestamp: '2026-11-24T08:00:00Z',
};

const streamEvent = (records: Array<{ eventName: 'INSERT' | 'MODIFY' | 'REMOVE'; sequence: string; item: Record<string, unknown> }>) =>
  ({
    Records: records.map(({ eventName, sequence, item }) => ({
      eventName,
      dynamodb: { SequenceNumber: sequence, NewImage: marshall(item, { removeUndefinedValues: true }) },
    })),
  }) as unknown as DynamoDBStreamEvent;

describe('newEventRecordsOf', () => {
  it('reads the events of INSERTs only, stored as JSON text or as a map (items written before)', () => {
    // Prepare
    const item = rawEventItem(purchase, 400);
    const event = streamEvent([
      { eventName: 'INSERT', sequence: '101', item },
      { eventName: 'MODIFY', sequence: '102', item: { ...item, event: JSON.stringify({ ...purchase, amount: 999 }) } },
      { eventName: 'INSERT', sequence: '103', item: { ...item, sk: 'EVENT#p2', event: { ...purchase, eventId: 'p2' } } },
    ]);

    // Act
    const records = newEventRecordsOf(event);

    // Assess
    expect(records).toEqual([
      { sequence: '101', event: purchase },
      { sequence: '103', event: { ...purchase, eventId: 'p2' } },
    ]);
  });

  it('refuses an image whose event text is not a valid event', () => {
    // Prepare
    const event = streamEvent([
      { eventName: 'INSERT', sequence: '101', item: { ...rawEventItem(purchase, 400), event: JSON.stringify({ ...purchase, amount: 'lots' }) } },
    ]);

    // Act
    const parse = () => newEventRecordsOf(event);

    // Assess
    expect(parse).toThrow();
  });
});
