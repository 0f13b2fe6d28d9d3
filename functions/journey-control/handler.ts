import { InvalidInputError } from '../../shared/domain/common';
import { httpHandler, json, pathParameter } from '../../shared/adapters/http/http-api';
import { ExecutionStarter, stepFunctionsClient } from '../../shared/adapters/journeys/execution-starter';
import { JourneyControlConfig, JOURNEY_ENV } from '../../shared/adapters/journeys/journey-config';
import { asHttp, journeyStores } from '../../shared/adapters/journeys/journey-wiring';
import { controlJourney, JourneyControlCommand } from '../../shared/adapters/journeys/journey-use-cases';
import { readConfig } from '../../shared/config/read-config';

const config = readConfig(JourneyControlConfig);
const stores = journeyStores(config);
const starter = new ExecutionStarter(stepFunctionsClient(), config[JOURNEY_ENV.stateMachineArn]);

/** POST /v1/journeys/{journeyId}/pause|resume|stop. */
export const handler = httpHandler(async (event) => {
  const journeyId = pathParameter(event, 'journeyId');
  const command = JourneyControlCommand.safeParse(event.rawPath.split('/').pop());
  if (!command.success) throw new InvalidInputError('the command must be pause, resume or stop');
  const result = await asHttp(() => controlJourney(journeyId, command.data, { clock: stores.clock, journeys: stores.journeys, starter }));
  return json(200, { journeyId, status: result.journey.status, executionsStopped: result.executionsStopped });
});
