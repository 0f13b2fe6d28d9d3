import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { EnrollmentMessage } from '../../shared/domain/journeys';
import { readingEachJourneyOnce, recordStartedExecutions, startEnrollment } from '../../shared/application/journeys/start-enrollment';
import { logger } from '../../shared/adapters/observability/logger';
import { countMetric, publishCountedMetrics } from '../../shared/adapters/observability/metrics';
import { composeJourneys } from '../../shared/composition/journeys';

const journeys = composeJourneys();
/** Per invocation: the event source's maximum concurrency shares the account's start rate. */
const startsPerSecond = journeys.startsPerSecond;
const processor = new BatchProcessor(EventType.SQS);

/** Metric per outcome of a queued enrollment. */
const METRIC_OF = {
  started: 'JourneyExecutionsStarted',
  'already-enrolled': 'JourneyStartsAlreadyEnrolled',
  'journey-closed': 'JourneyStartsJourneyClosed',
  'journey-missing': 'JourneyStartsJourneyMissing',
} as const;

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
    const startedIn: string[] = [];
    const startOne = async (record: SQSRecord) => {
      // Pacing is wall-clock: it protects the Step Functions quota, not business time.
      const due = began + ((position.get(record.messageId) ?? 0) * 1000) / startsPerSecond;
      if (due > Date.now()) await new Promise((resolve) => setTimeout(resolve, due - Date.now()));
      try {
        const message = EnrollmentMessage.parse(JSON.parse(record.body));
        const outcome = await startEnrollment(message, ports);
        countMetric(METRIC_OF[outcome]);
        if (outcome === 'started') startedIn.push(message.journeyId);
      } catch (error) {
        logger.warn('enrollment not started; back to the queue', {
          messageId: record.messageId,
          error: error instanceof Error ? { name: error.name, message: error.message } : String(error),
        });
        throw error;
      }
    };
    // A batch that fails whole is answered like any other, every item back to the queue, as before.
    const response = await processPartialResponse(event, startOne, processor, { context, throwOnFullBatchFailure: false });
    try {
      await recordStartedExecutions(startedIn, journeys);
    } catch (error) {
      // The starts happened and must not be retried for a progress counter: the launch's "started"
      // falls short by this batch, which the metric and the warning show.
      countMetric('JourneyStartedNotCounted', startedIn.length);
      logger.warn('started executions not added to the launch progress', {
        count: startedIn.length,
        error: error instanceof Error ? { name: error.name, message: error.message } : String(error),
      });
    }
    return response;
  });
