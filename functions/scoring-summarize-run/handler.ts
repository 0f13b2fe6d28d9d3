import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { transientErrorsAsRetryable } from '../../shared/adapters/transient-errors';
import { SummarizeRequest, type RunSummary } from '../../shared/domain/scoring-run';
import { logger } from '../../shared/adapters/observability/logger';
import { summarizeRun } from '../../shared/application/scoring/summarize-run';
import { composeScoring } from '../../shared/composition/scoring';

// Read at cold start: a missing variable fails the first invocation, naming it.
const scoring = composeScoring();
const { runs } = scoring.runs();

/** Summarize task: adds up the segments and stores the run summary. */
export const handler = middy<unknown, RunSummary>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(transientErrorsAsRetryable())
  .handler(async (event) => {
    const summary = await summarizeRun(SummarizeRequest.parse(event), { runs, clock: scoring.clock });
    logger.info('scoring run finished', {
      runId: summary.runId,
      users: summary.totals.usersScored,
      written: summary.totals.itemsWritten,
      tierChanges: summary.totals.tierChanges,
    });
    return summary;
  });
