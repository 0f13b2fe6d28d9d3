import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context } from 'aws-lambda';
import { parseInput } from '../../shared/domain/common';
import { countAudienceSegment, CountSegmentInput, type CountSegmentResult } from '../../shared/application/journeys/count-audience';
import { logger } from '../../shared/adapters/observability/logger';
import { transientErrorsAsRetryable } from '../../shared/adapters/transient-errors';
import { composeJourneys } from '../../shared/composition/journeys';

const journeys = composeJourneys();

/** Hands the cursor back with a quarter of the invocation's time (at most a minute) left. */
const MAX_MARGIN_MS = 60_000;

/**
 * The CountSegment task of the count workflow (an exact preview): counts one scan segment from its
 * stored cursor, as the launch selects it, until the segment ends or the invocation nears its
 * timeout (the state machine then calls again). Errors are thrown by name for Retry and Catch.
 */
export const handler = middy<unknown, CountSegmentResult>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(transientErrorsAsRetryable())
  .handler(async (event, context: Context) => {
    const margin = Math.min(MAX_MARGIN_MS, context.getRemainingTimeInMillis() / 4);
    const input = parseInput(CountSegmentInput, event, 'the CountSegment input');
    const result = await countAudienceSegment(input, {
      clock: journeys.clock,
      counts: journeys.counts,
      scores: journeys.scores,
      journeys: journeys.journeys,
      outOfTime: () => context.getRemainingTimeInMillis() < margin,
    });
    logger.info('count segment', { ...result });
    return result;
  });
