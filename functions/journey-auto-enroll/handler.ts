import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { z } from 'zod';
import { parseInput } from '../../shared/domain/common';
import { TierChangedDetail } from '../../shared/domain/journeys';
import { enrollOnTierChanges, type DeliveredTierChange } from '../../shared/application/journeys/enroll-on-tier-change';
import { logger } from '../../shared/adapters/observability/logger';
import { countMetric, publishCountedMetrics } from '../../shared/adapters/observability/metrics';
import { composeJourneys } from '../../shared/composition/journeys';

const journeys = composeJourneys();

/** The EventBridge event the TierChangedRule puts on the queue, as a message body. */
const TierChangedEvent = z.object({ time: z.string().datetime({ offset: true }), detail: TierChangedDetail });

/**
 * Automatic recall, batched: consumes the TierChanged queue (EventBridge → SQS), enrolls the batch's
 * users in their new tier's automatic journey, one group write per journey, and queues the treated
 * ones for the starter. A message that does not parse, or whose journey's group write failed, is a
 * batch item failure and comes back (then to the dead-letter queue); a redelivered event is the
 * same enrollment (its time is the event's) and enrolls once.
 */
export const handler = middy<SQSEvent, SQSBatchResponse>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(publishCountedMetrics())
  .handler(async (event) => {
    const failures: string[] = [];
    const parsed: Array<{ messageId: string; delivery: DeliveredTierChange }> = [];
    for (const record of event.Records) {
      try {
        const message = parseInput(TierChangedEvent, JSON.parse(record.body), 'the TierChanged event');
        parsed.push({ messageId: record.messageId, delivery: { change: message.detail, eventTime: message.time } });
      } catch (error) {
        logger.warn('TierChanged message rejected; back to the queue', { messageId: record.messageId, error: describe(error) });
        failures.push(record.messageId);
      }
    }
    const outcomes = await enrollOnTierChanges(
      parsed.map(({ delivery }) => delivery),
      journeys,
    );
    let enrolled = 0;
    let holdout = 0;
    let alreadyEnrolled = 0;
    outcomes.forEach((outcome, i) => {
      if (outcome.kind === 'failed') {
        logger.warn('TierChanged enrollment failed; back to the queue', { messageId: parsed[i]!.messageId, error: describe(outcome.error) });
        failures.push(parsed[i]!.messageId);
      } else if (outcome.kind === 'enrolled') {
        if (outcome.enrollment.alreadyEnrolled) alreadyEnrolled += 1;
        else if (outcome.enrollment.holdout) holdout += 1;
        else enrolled += 1;
      }
    });
    if (enrolled > 0) countMetric('JourneyEnrollments', enrolled);
    if (holdout > 0) countMetric('JourneyHoldoutEnrollments', holdout);
    logger.info('tier changes handled', { events: event.Records.length, enrolled, holdout, alreadyEnrolled, failed: failures.length });
    return { batchItemFailures: failures.map((itemIdentifier) => ({ itemIdentifier })) };
  });

function describe(error: unknown) {
  return error instanceof Error ? { name: error.name, message: error.message } : String(error);
}
