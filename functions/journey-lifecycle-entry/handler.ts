import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { LifecycleEventType, type LifecycleEvent } from '../../shared/domain/journeys';
import { enterOnEvents } from '../../shared/application/journeys/enter-on-events';
import { newEventRecordsOf } from '../../shared/adapters/dynamodb/raw-event-stream';
import { logger } from '../../shared/adapters/observability/logger';
import { countMetric, publishCountedMetrics } from '../../shared/adapters/observability/metrics';
import { transientErrorsAsRetryable } from '../../shared/adapters/transient-errors';
import { composeJourneys } from '../../shared/composition/journeys';

const journeys = composeJourneys();
const lifecycleTypes = new Set<string>(LifecycleEventType.options);

/**
 * Lifecycle entry, on the raw-event table's stream: the mapping's filter passes only INSERTs of
 * session, purchase and feature_use events; the same filter is applied here too, so a mapping
 * without one (or a runtime that ignores it) changes nothing. A failure throws: the batch is
 * redelivered whole, which enters nobody twice (see enterOnEvents). The records are decoded only
 * while a running journey enters on events.
 */
export const handler = middy<DynamoDBStreamEvent, { entered: number }>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(publishCountedMetrics())
  .use(transientErrorsAsRetryable())
  .handler(async (event) => {
    let decoded = 0;
    const events = (): LifecycleEvent[] => {
      const lifecycle = newEventRecordsOf(event)
        .map((record) => record.event)
        .filter((behaviour) => lifecycleTypes.has(behaviour.type))
        .map((behaviour) => ({
          eventId: behaviour.eventId,
          userId: behaviour.userId,
          type: behaviour.type,
          timestamp: behaviour.timestamp,
          ...(behaviour.type === 'feature_use' ? { feature: behaviour.feature } : {}),
          ...(behaviour.type === 'purchase' ? { amount: behaviour.amount } : {}),
        }));
      decoded = lifecycle.length;
      return lifecycle;
    };
    const result = await enterOnEvents(events, journeys);
    const refused = Object.values(result.refused).reduce((total, n) => total + n, 0);
    if (result.entered > 0) countMetric('JourneyLifecycleEntries', result.entered);
    if (result.holdout > 0) countMetric('JourneyHoldoutEnrollments', result.holdout);
    if (refused > 0) countMetric('JourneyReentriesRefused', refused);
    logger.debug('lifecycle entry', { records: event.Records.length, events: decoded, ...result });
    return { entered: result.entered };
  });
