import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { EnrollmentMessage } from '../../shared/domain/journeys';
import { readingEachJourneyOnce, startEnrollment } from '../../shared/application/journeys/start-enrollment';
import { logger } from '../../shared/adapters/observability/logger';
import { countMetric, publishCountedMetrics } from '../../shared/adapters/observability/metrics';
import { composeJourneys } from '../../shared/composition/journeys';

const journeys = composeJourneys();
/** Per invocation: the event source's maximum concurrency shares the account's start rate. */
const startsPerSecond = journeys.startsPerSecond;
const processor = new BatchProcessor(EventType.SQS);

/** Metric per outcome of a queued enrollment. */
const METRIC_OF = { started: 'JourneyExecutionsStarted', 'already-enrolled': 'JourneyStartsAlreadyEnrolled', 'journey-closed': 'JourneyStartsJourneyClosed', 'journey-missing': 'JourneyStartsJourneyMissing' } as const;

/**
 * Consumes the launch queue: starts one execution per enrollment, paced to the configured rate,
 * under its deterministic name. "Already exists" is "already enrolled"; a message that does not
 * parse, or whose start keeps failing (StartExecutionFailed), is reported as a batch item failure
 * and goes back to the queue to be retried there (then to its dead-letter queue), so none is lost.
 */
export const handler = middy<SQSEvent, SQSBatchResponse>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(publishCountedMetrics())
  .handler(async (event, context) => {
    const ports = { journeys: readingEachJourneyOnce(journeys.journeys), starter: journeys.starter };
    const began = Date.now();
    const position = new Map(event.Records.map((record, i) => [record.messageId, i]));
    const startOne = async (record: SQSRecord) => {
      // Pacing is wall-clock: it protects the Step Functions quota, not business time.
      const due = began + ((position.get(record.messageId) ?? 0) * 1000) / startsPerSecond;
      if (due > Date.now()) await new Promise((resolve) => setTimeout(resolve, due - Date.now()));
      try {
        const outcome = await startEnrollment(EnrollmentMessage.parse(JSON.parse(record.body)), ports);
        countMetric(METRIC_OF[outcome]);
      } catch (error) {
        logger.warn('enrollment not started; back to the queue', { messageId: record.messageId, error: error instanceof Error ? { name: error.name, message: error.message } : String(error) });
        throw error;
      }
    };
    // A batch that fails whole is answered like any other, every item back to the queue, as before.
    return processPartialResponse(event, startOne, processor, { context, throwOnFullBatchFailure: false });
  });
