import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { transientErrorsAsRetryable } from '../../shared/adapters/transient-errors';
import { RunRequest, type PreparedRun } from '../../shared/domain/scoring-run';
import { logger } from '../../shared/adapters/observability/logger';
import { prepareRun } from '../../shared/application/scoring/prepare-run';
import { composeScoring } from '../../shared/composition/scoring';

// Read at cold start: a missing variable fails the first invocation, naming it.
const scoring = composeScoring();
const ports = scoring.tasks();

/** PrepareRun task: run date, parameters (refitted when due), the sample's cut points, segments. */
export const handler = middy<unknown, PreparedRun>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(transientErrorsAsRetryable())
  .handler(async (event) => {
    const prepared = await prepareRun(RunRequest.parse(event), {
      sampler: ports.scanner,
      params: ports.params,
      runs: ports.runs,
      clock: scoring.clock,
      settings: ports.settings,
    });
    logger.info('scoring run prepared', {
      runId: prepared.runId,
      date: prepared.date,
      paramsVersion: prepared.paramsVersion,
      refitted: prepared.refitted,
      sampleUsers: prepared.reference.sampleUsers,
    });
    return prepared;
  });
