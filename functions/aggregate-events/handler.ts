import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { applyNewEvents } from '../../shared/application/events/apply-new-events';
import { composeEvents } from '../../shared/composition/events';
import { newEventRecordsOf } from '../../shared/adapters/dynamodb/raw-event-stream';
import { logger } from '../../shared/adapters/observability/logger';

const ports = composeEvents().aggregation();

/**
 * Consumes the raw-event table's stream: adds each newly stored event (an INSERT) to its daily
 * aggregate once, and puts a re-sent id's first content back into its raw item (a MODIFY: see
 * `RawEventFirstContent`; rare, and nothing on a batch without one).
 *
 * Not Powertools' BatchProcessor: it handles records one by one, and the point here is to merge a
 * whole batch per (user, month), one read and one write each. A failure throws, so the batch is
 * redelivered whole; that is safe because each month item records the stream position it has
 * applied (see `mergeNewEvents`), and the local runtime's stream source retries whole batches and
 * ignores `batchItemFailures` anyway.
 */
export const handler = middy(async (event: DynamoDBStreamEvent): Promise<{ applied: number; restored: number }> => {
  const { restored } = await ports.firstContent.restore(event);
  const result = await applyNewEvents(newEventRecordsOf(event), ports);
  logger.debug('applied new events', { records: event.Records.length, applied: result.applied, months: result.months, restored });
  return { applied: result.applied, restored };
}).use(injectLambdaContext(logger, { resetKeys: true }));
