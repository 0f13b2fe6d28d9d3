import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { parseInput } from '../../shared/domain/common';
import { finishLaunch, FinishLaunchInput } from '../../shared/application/journeys/finish-launch';
import { logger } from '../../shared/adapters/observability/logger';
import { transientErrorsAsRetryable } from '../../shared/adapters/transient-errors';
import { composeJourneys } from '../../shared/composition/journeys';

const journeys = composeJourneys();

/** The FinishLaunch task of the launch workflow: records the launch's counts, launching → running. */
export const handler = middy<unknown, Awaited<ReturnType<typeof finishLaunch>>>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(transientErrorsAsRetryable())
  .handler(async (event) => {
    const result = await finishLaunch(parseInput(FinishLaunchInput, event, 'the FinishLaunch input'), journeys);
    logger.info('launch finished', result);
    return result;
  });
