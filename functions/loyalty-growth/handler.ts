import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { z } from 'zod';
import { runtimeClock } from '../../shared/adapters/runtime-clock';
import { logger } from '../../shared/adapters/observability/logger';
import { loyaltyServicesFromEnv } from '../../shared/adapters/loyalty/loyalty-config';
import { countGrowthEvent, countIncentiveEvent } from '../../shared/adapters/loyalty/loyalty-use-cases';
import { StoredBehaviourEvent } from '../../shared/adapters/dynamodb/raw-event-store';

const services = loyaltyServicesFromEnv(runtimeClock);

/** The stored raw event, as the ingest adapter writes it: the validated event under `event`. */
export const StoredLoyaltyEvent = z.object({ event: StoredBehaviourEvent });
export type StoredLoyaltyEvent = z.infer<typeof StoredLoyaltyEvent>;

/**
 * The loyalty events consumer of the raw-event stream (filtered by the mapping to inserted
 * purchases, refunds and the event types of the incentive rules): counts growth and incentive
 * progress. Records are handled one by one in stream order; every write is idempotent by id, so
 * a redelivered batch changes nothing.
 */
export const handler = async (event: DynamoDBStreamEvent): Promise<{ counted: number; duplicates: number; incentiveGrants: number }> => {
  let counted = 0;
  let duplicates = 0;
  let incentiveGrants = 0;
  for (const record of event.Records) {
    if (!record.dynamodb?.NewImage) continue;
    const stored = StoredLoyaltyEvent.parse(unmarshall(record.dynamodb.NewImage as Record<string, AttributeValue>));
    const result = await countGrowthEvent(services, stored.event);
    if (result?.growth.kind === 'already-counted') duplicates += 1;
    else if (result) counted += 1;
    if (result?.growth.kind === 'growth-changed' && result.growth.levelChange) logger.info('growth level changed', { from: result.growth.levelChange.from, to: result.growth.levelChange.to });
    for (const incentive of await countIncentiveEvent(services, stored.event)) incentiveGrants += incentive.grants.filter((grant) => grant === 'appended').length;
  }
  logger.debug('loyalty events counted', { records: event.Records.length, counted, duplicates, incentiveGrants });
  return { counted, duplicates, incentiveGrants };
};
