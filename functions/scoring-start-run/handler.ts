import { ConflictError, InvalidInputError } from '../../shared/domain/common';
import { startScoringRun } from '../../shared/domain/scoring-run';
import { runtimeClock } from '../../shared/adapters/runtime-clock';
import { headerOf, httpHandler, json, jsonBody } from '../../shared/adapters/http/http-api';
import { ScoringApiConfig, SCORING_ENV } from '../../shared/adapters/scoring/scoring-config';
import { StepFunctionsRunLauncher } from '../../shared/adapters/scoring/sfn-run-launcher';
import { readConfig } from '../../shared/config/read-config';

const config = readConfig(ScoringApiConfig);
const launcher = new StepFunctionsRunLauncher(config[SCORING_ENV.stateMachineArn]);

/** POST /v1/scoring/runs {date?}: starts the nightly machine for a day (named per day). */
export const handler = httpHandler(async (event) => {
  const body = event.body && headerOf(event, 'content-type') ? jsonBody(event) : {};
  const outcome = await startScoringRun(body, { launcher, clock: runtimeClock });
  switch (outcome.kind) {
    case 'invalid':
      throw new InvalidInputError('the run request was rejected', outcome.problems);
    case 'too-many-reruns':
      throw new ConflictError(`${outcome.date} has been scored too many times; nothing was started`);
    case 'started':
      return json(202, { runId: outcome.runId, date: outcome.date });
  }
});
