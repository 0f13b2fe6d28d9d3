import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { EnrollmentMessage } from '../../shared/domain/journeys';
import { readingEachJourneyOnce, recordStartedExecutions, startEnrollment } from '../../shared/application/journeys/start-enrollment';
import { enrollmentsOfMessage } from '../../shared/adapters/journeys/launch-queue';
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
 * Consumes the launch queue: starts one execution per enrollment (a message carries one, or up to
 * ten of a journey), paced to the configured rate, under its deterministic name. "Already exists"
 * is "already enrolled". A message that does not parse, or whose one enrollment's start keeps
 * failing (StartExecutionFailed), is reported as a batch item failure and goes back to the queue to
 * be retried there (then to its dead-letter queue), so none is lost. A group's failed starts are
 * queued again one a message and the group is done: sent back whole, its members already started
 * would start again, which StartExecution answers as started, and be counted twice. Only if that
 * queueing fails does the group go back whole.
 */
export const handler = middy<SQSEvent, SQSBatchResponse>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(publishCountedMetrics())
  .handler(async (event, context) => {
    const ports = { journeys: readingEachJourneyOnce(journeys.journeys), starter: journeys.starter };
    const began = Date.now();
    // Each message read once: its enrollments (or why it does not parse) and the slot of its
    // first start in the batch's pacing, each start having a slot of its own.
    const read = new Map<string, { enrollments: EnrollmentMessage[]; first: number } | { error: unknown }>();
    let slots = 0;
    for (const record of event.Records) {
      try {
        const enrollments = enrollmentsOfMessage(record.body);
        read.set(record.messageId, { enrollments, first: slots });
        slots += enrollments.length;
      } catch (error) {
        read.set(record.messageId, { error });
        slots += 1;
      }
    }
    const startedIn: string[] = [];
    const startOne = async (message: EnrollmentMessage, slot: number) => {
      // Pacing is wall-clock: it protects the Step Functions quota, not business time.
      const due = began + (slot * 1000) / startsPerSecond;
      if (due > Date.now()) await new Promise((resolve) => setTimeout(resolve, due - Date.now()));
      const outcome = await startEnrollment(message, ports);
      countMetric(METRIC_OF[outcome]);
      if (outcome === 'started') startedIn.push(message.journeyId);
    };
    const startMessage = async (record: SQSRecord) => {
      const warn = (text: string, error: unknown, count: number) =>
        logger.warn(text, { messageId: record.messageId, count, error: error instanceof Error ? { name: error.name, message: error.message } : String(error) });
      const message = read.get(record.messageId);
      if (!message || 'error' in message) {
        const error = message?.error ?? new Error(`launch-queue message ${record.messageId} was not read`);
        warn('launch-queue message does not parse; back to the queue', error, 0);
        throw error;
      }
      const { enrollments, first } = message;
      const failed: EnrollmentMessage[] = [];
      let failure: unknown;
      await Promise.all(
        enrollments.map((message, k) =>
          startOne(message, first + k).catch((error: unknown) => {
            failed.push(message);
            failure ??= error;
          }),
        ),
      );
      if (failed.length === 0) return;
      if (enrollments.length === 1) {
        warn('enrollment not started; back to the queue', failure, 1);
        throw failure;
      }
      warn('enrollments of a group not started; queued again, one a message', failure, failed.length);
      await journeys.queue.enqueue(failed, { oneEach: true });
      countMetric('JourneyStartsRequeued', failed.length);
    };
    // A batch that fails whole is answered like any other, every item back to the queue, as before.
    const response = await processPartialResponse(event, startMessage, processor, { context, throwOnFullBatchFailure: false });
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
