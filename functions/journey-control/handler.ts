import { InvalidInputError } from '../../shared/domain/common';
import { JourneyControlCommand } from '../../shared/domain/journeys';
import { controlJourney } from '../../shared/application/journeys/control-journey';
import { httpHandler, json, pathParameter } from '../../shared/adapters/http/http-api';
import { composeJourneys } from '../../shared/composition/journeys';

const journeys = composeJourneys();

/** POST /v1/journeys/{journeyId}/pause|resume|stop. */
export const handler = httpHandler(async (event) => {
  const journeyId = pathParameter(event, 'journeyId');
  const command = JourneyControlCommand.safeParse(event.rawPath.split('/').pop());
  if (!command.success) throw new InvalidInputError('the command must be pause, resume or stop');
  const result = await controlJourney(journeyId, command.data, journeys);
  return json(200, { journeyId, status: result.journey.status, executionsStopped: result.executionsStopped });
});
