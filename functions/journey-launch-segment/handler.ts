import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context } from 'aws-lambda';
import { parseInput } from '../../shared/domain/common';
import { launchSegment, LaunchSegmentInput, type LaunchSegmentResult } from '../../shared/application/journeys/launch-segment';
import { logger } from '../../shared/adapters/observability/logger';
import { countMetric, publishCountedMetrics } from '../../shared/adapters/observability/metrics';
import { transientErrorsAsRetryable } from '../../shared/adapters/transient-errors';
import { composeJourneys } from '../../shared/composition/journeys';

const journeys = composeJourneys();

/** Hands the cursor back with a quarter of the invocation's time (at most a minute) left. */
const MAX_MARGIN_MS = 60_000;

/**
 * The LaunchSegment task of the launch workflow: selects, enrolls and queues one scan segment from
 * its stored cursor until the segment ends or the invocation nears its timeout (the state machine
 * then calls again). Errors are thrown by name for the state machine's Retry and Catch.
 */
export const handler = middy<unknown, LaunchSegmentResult>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(publishCountedMetrics())
  .use(transientErrorsAsRetryable())
  .handler(async (event, context: Context) => {
    const margin = Math.min(MAX_MARGIN_MS, context.getRemainingTimeInMillis() / 4);
    const input = parseInput(LaunchSegmentInput, event, 'the LaunchSegment input');
    const result = await launchSegment(input, { ...pick(journeys), outOfTime: () => context.getRemainingTimeInMillis() < margin });
    countMetric('JourneyEnrollments', result.counted.queued);
    countMetric('JourneyHoldoutEnrollments', result.counted.holdout);
    logger.info('launch segment', { ...result });
    return result;
  });

/** The ports the task uses, read from the composition without building the others. */
function pick(ports: typeof journeys) {
  return { journeys: ports.journeys, scores: ports.scores, enrollments: ports.enrollments, queue: ports.queue, launches: ports.launches };
}
