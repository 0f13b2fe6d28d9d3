import { InvalidInputError, NotFoundError } from '../../shared/domain/common';
import { httpHandler, json, pathParameter } from '../../shared/adapters/http/http-api';
import { getLatestRun, getScoringRun } from '../../shared/application/scoring/get-run';
import { composeScoring } from '../../shared/composition/scoring';

// Read at cold start: a missing variable fails the first invocation, naming it.
const ports = composeScoring().api();

/** GET /v1/scoring/runs/{runId} (or `latest`): status, progress per segment, and the summary once done. */
export const handler = httpHandler(async (event) => {
  const runId = pathParameter(event, 'runId');
  if (runId === 'latest') {
    const latest = await getLatestRun(ports);
    if (!latest) throw new NotFoundError('no scoring run has finished yet');
    return json(200, latest);
  }
  if (!/^[A-Za-z0-9_.-]{1,80}$/.test(runId)) throw new InvalidInputError('the run id is invalid');
  const run = await getScoringRun(runId, ports);
  if (!run) throw new NotFoundError('no such run');
  return json(200, run);
});
