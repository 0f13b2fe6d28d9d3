import middy from '@middy/core';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { z } from 'zod';
import { countLoyaltyEvent, countNewGrants } from '../../shared/application/loyalty';
import { composeLoyalty } from '../../shared/composition/loyalty';
import { logger } from '../../shared/adapters/observability/logger';
import { countMetric, publishCountedMetrics } from '../../shared/adapters/observability/metrics';
import { StoredBehaviourEvent } from '../../shared/adapters/dynamodb/raw-event-store';
import { parseInput } from '../../shared/domain/common';

/** The stored raw event, as the ingest adapter writes it: the validated event under `event`. */
export const StoredLoyaltyEvent = z.object({ event: StoredBehaviourEvent });
export type StoredLoyaltyEvent = z.infer<typeof StoredLoyaltyEvent>;

/** What one batch counted. */
export interface LoyaltyEventsReport {
  readonly counted: number;
  readonly duplicates: number;
  readonly incentiveGrants: number;
}

/**
 * The loyalty events consumer of the raw-event stream (filtered by the mapping to inserted
 * purchases, refunds and the event types of the incentive rules): counts growth and incentive
 * progress (`countLoyaltyEvent`).
 *
 * Records are handled one by one in stream order and a failure fails the whole batch, rather
 * than through Powertools' BatchProcessor with partial batch responses: a refund must not be
 * counted before the purchase ahead of it on the same shard, and every write is idempotent by
 * id, so retrying the whole batch changes nothing that was already counted.
 */
export const handler = middy<DynamoDBStreamEvent, LoyaltyEventsReport>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(publishCountedMetrics())
  .handler(async (event) => {
    const loyalty = composeLoyalty();
    let counted = 0;
    let duplicates = 0;
    let incentiveGrants = 0;
    for (const record of event.Records) {
      if (!record.dynamodb?.NewImage) continue;
      const stored = parseInput(StoredLoyaltyEvent, unmarshall(record.dynamodb.NewImage as Record<string, AttributeValue>), 'the stored raw event');
      const { growth: result, incentives } = await countLoyaltyEvent(loyalty, stored.event);
      if (result?.growth.kind === 'already-counted') duplicates += 1;
      else if (result) counted += 1;
      if (result?.growth.kind === 'growth-changed' && result.growth.levelChange)
        logger.info('growth level changed', { from: result.growth.levelChange.from, to: result.growth.levelChange.to });
      if (result) countMetric('LoyaltyCouponsIssued', countNewGrants(result.referralReward).couponsIssued);
      for (const incentive of incentives) incentiveGrants += incentive.grants.filter((grant) => grant === 'appended').length;
    }
    countMetric('LoyaltyGrowthEventsCounted', counted);
    countMetric('LoyaltyGrowthEventsDuplicate', duplicates);
    countMetric('LoyaltyIncentiveGrants', incentiveGrants);
    logger.debug('loyalty events counted', { records: event.Records.length, counted, duplicates, incentiveGrants });
    return { counted, duplicates, incentiveGrants };
  });
