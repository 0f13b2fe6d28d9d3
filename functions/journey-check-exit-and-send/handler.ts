import middy from '@middy/core';
import { z } from 'zod';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { problemsFromZod } from '../../shared/domain/common';
import { JourneyInputInvalid, type JourneyCursor } from '../../shared/domain/journeys';
import { checkExitAndSend, CheckExitAndSendInput } from '../../shared/application/journeys/check-exit-and-send';
import { logger } from '../../shared/adapters/observability/logger';
import { transientErrorsAsRetryable } from '../../shared/adapters/transient-errors';
import { composeJourneys } from '../../shared/composition/journeys';

const journeys = composeJourneys();

/** The task's payload: the execution's whole state and its name, flattened into the use case's input. */
const TaskPayload = z
  .object({ execution: z.record(z.string(), z.unknown()), executionName: z.unknown() })
  .transform(({ execution, executionName }) => ({ ...execution, executionName }));

/**
 * The CheckExitAndSend task of the recall-journey state machine: one step of one user's journey.
 * Errors are thrown by name for the state machine's Retry and Catch; none is swallowed.
 */
export const handler = middy<unknown, JourneyCursor>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(transientErrorsAsRetryable())
  .handler(async (event) => {
    const payload = TaskPayload.safeParse(event);
    const parsed = CheckExitAndSendInput.safeParse(payload.success ? payload.data : event);
    if (!parsed.success)
      throw new JourneyInputInvalid(
        `CheckExitAndSend input: ${problemsFromZod(parsed.error)
          .map((problem) => `${problem.path}: ${problem.message}`)
          .join('; ')}`,
      );
    const cursor = await checkExitAndSend(parsed.data, journeys);
    logger.debug('journey step', { executionName: parsed.data.executionName, step: parsed.data.cursor, next: cursor });
    return cursor;
  });
