import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { z } from 'zod';
import { aggregateUserDays } from '../../shared/application/events/aggregate-user-days';
import { utcDayOf } from '../../shared/domain/common';
import { composeEvents } from '../../shared/composition/events';
import { logger } from '../../shared/adapters/observability/logger';

const ports = composeEvents().aggregation();

const StoredEventKey = z.object({ userId: z.string().min(1), occurredAt: z.iso.datetime() });

/**
 * Consumes the raw-event table's stream and recomputes the touched daily aggregates from the stored
 * events. Recomputing (rather than incrementing) makes a redelivered record harmless.
 */
export const handler = async (event: DynamoDBStreamEvent): Promise<{ aggregated: number }> => {
  const touched = new Map<string, { userId: string; day: string }>();
  for (const record of event.Records) {
    if (record.eventName === 'REMOVE' || !record.dynamodb?.NewImage) continue; // TTL expiry: aggregates stay
    const key = StoredEventKey.parse(unmarshall(record.dynamodb.NewImage as Record<string, AttributeValue>));
    const day = utcDayOf(key.occurredAt);
    touched.set(`${key.userId}\u0000${day}`, { userId: key.userId, day });
  }
  const result = await aggregateUserDays([...touched.values()], ports);
  logger.debug('aggregated', { records: event.Records.length, userDays: result.aggregated });
  return result;
};
