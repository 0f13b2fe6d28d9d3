import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { ExecutionStarter, stepFunctionsClient } from '../../shared/adapters/journeys/execution-starter';
import { JOURNEY_ENV, JourneyStarterConfig } from '../../shared/adapters/journeys/journey-config';
import { journeyStores } from '../../shared/adapters/journeys/journey-wiring';
import { EnrollmentMessage } from '../../shared/adapters/journeys/launch-queue';
import type { StoredJourney } from '../../shared/adapters/journeys/journey-store';
import { startEnrollment } from '../../shared/adapters/journeys/journey-use-cases';
import { readConfig } from '../../shared/config/read-config';
import { logger } from '../../shared/adapters/observability/logger';

const config = readConfig(JourneyStarterConfig);
const stores = journeyStores(config);
const starter = new ExecutionStarter(stepFunctionsClient(), config[JOURNEY_ENV.stateMachineArn]);
/** Per invocation: the event source's maximum concurrency shares the account's start rate. */
const startsPerSecond = config[JOURNEY_ENV.startRatePerSecond];

/**
 * Consumes the launch queue: starts one execution per enrollment, paced to the configured rate,
 * under its deterministic name. "Already exists" is "already enrolled"; a start that keeps failing
 * goes back to the queue (batchItemFailures) and is retried there, so none is lost.
 */
export const handler = async (event: SQSEvent): Promise<SQSBatchResponse> => {
  const journeys = new Map<string, StoredJourney | undefined>();
  const failures: SQSBatchResponse['batchItemFailures'] = [];
  const counts: Record<string, number> = {};
  const began = Date.now();
  await Promise.all(
    event.Records.map(async (record, i) => {
      // Pacing is wall-clock: it protects the Step Functions quota, not business time.
      const due = began + (i * 1000) / startsPerSecond;
      if (due > Date.now()) await new Promise((resolve) => setTimeout(resolve, due - Date.now()));
      try {
        const message = EnrollmentMessage.parse(JSON.parse(record.body));
        if (!journeys.has(message.journeyId)) journeys.set(message.journeyId, await stores.journeys.get(message.journeyId));
        const journey = journeys.get(message.journeyId);
        const outcome = journey ? await startEnrollment(message, journey, { journeys: stores.journeys, starter }) : 'journey-missing';
        counts[outcome] = (counts[outcome] ?? 0) + 1;
      } catch (error) {
        logger.warn('enrollment not started; back to the queue', { messageId: record.messageId, error: error instanceof Error ? { name: error.name, message: error.message } : String(error) });
        failures.push({ itemIdentifier: record.messageId });
      }
    }),
  );
  logger.debug('enrollments handled', { ...counts, failed: failures.length });
  return { batchItemFailures: failures };
};
