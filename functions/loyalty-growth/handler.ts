import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { z } from 'zod';
import { runtimeClock } from '../../shared/adapters/runtime-clock';
import { logger } from '../../shared/adapters/observability/logger';
import { loyaltyServicesFromEnv } from '../../shared/adapters/loyalty/loyalty-config';
import { countGrowthEvent } from '../../shared/adapters/loyalty/loyalty-use-cases';
import { PurchaseEvent, RefundEvent } from '../../shared/domain/events/behaviour-event';

const services = loyaltyServicesFromEnv(runtimeClock);

/** The stored raw event, as the ingest adapter writes it: the validated event under `event`. */
export const StoredGrowthEvent = z.object({ event: z.discriminatedUnion('type', [PurchaseEvent, RefundEvent]) });
export type StoredGrowthEvent = z.infer<typeof StoredGrowthEvent>;

/**
 * Consumes the raw-event stream (filtered to inserted purchases and refunds by the mapping) and
 * counts each towards growth. Records are handled one by one in stream order; every write is
 * idempotent by id, so a redelivered batch changes nothing.
 */
export const handler = async (event: DynamoDBStreamEvent): Promise<{ counted: number; duplicates: number }> => {
  let counted = 0;
  let duplicates = 0;
  for (const record of event.Records) {
    if (!record.dynamodb?.NewImage) continue;
    const stored = StoredGrowthEvent.parse(unmarshall(record.dynamodb.NewImage as Record<string, AttributeValue>));
    const result = await countGrowthEvent(services, stored.event);
    if (result?.growth.kind === 'already-counted') duplicates += 1;
    else counted += 1;
    if (result?.growth.kind === 'growth-changed' && result.growth.levelChange) logger.info('growth level changed', { from: result.growth.levelChange.from, to: result.growth.levelChange.to });
  }
  logger.debug('growth counted', { records: event.Records.length, counted, duplicates });
  return { counted, duplicates };
};
