import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { z } from 'zod';
import { parseInput } from '../../shared/domain/common';
import { refreshAudienceSummary, type RefreshSummaryOutcome } from '../../shared/application/journeys/refresh-audience-summary';
import { logger } from '../../shared/adapters/observability/logger';
import { composeJourneys } from '../../shared/composition/journeys';

const journeys = composeJourneys();

/** The schedule sends `{}`; `force` recomputes even when no scoring run finished since (an operator's call). */
const RefreshRequest = z.object({ force: z.boolean().optional() }).passthrough();

/** Hourly: recomputes the audience summary once a nightly scoring run has finished since the last one. */
export const handler = middy<unknown, RefreshSummaryOutcome>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(async (event) => {
    const request = parseInput(RefreshRequest, event ?? {}, 'the refresh request');
    const outcome = await refreshAudienceSummary(journeys, request.force === undefined ? {} : { force: request.force });
    logger.info('audience summary', { ...outcome });
    return outcome;
  });
