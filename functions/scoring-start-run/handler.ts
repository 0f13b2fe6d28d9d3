import { assertNever, ConflictError, InvalidInputError } from '../../shared/domain/common';
import { headerOf, httpHandler, json, jsonBody } from '../../shared/adapters/http/http-api';
import { startScoringRun } from '../../shared/application/scoring/start-run';
import { composeScoring } from '../../shared/composition/scoring';

// Read at cold start: a missing variable fails the first invocation, naming it.
const scoring = composeScoring();
const { launcher } = scoring.api();

/** POST /v1/scoring/runs {date?}: starts the nightly machine for a day (named per day). */
export const handler = httpHandler(async (event) => {
  const body = event.body && headerOf(event, 'content-type') ? jsonBody(event) : {};
  const outcome = await startScoringRun(body, { launcher, clock: scoring.clock });
  switch (outcome.kind) {
    case 'invalid':
      throw new InvalidInputError('the run request was rejected', outcome.problems);
    case 'too-many-reruns':
      throw new ConflictError(`${outcome.date} has been scored too many times; nothing was started`);
    case 'started':
      return json(202, { runId: outcome.runId, date: outcome.date });
    default:
      return assertNever(outcome);
  }
});
