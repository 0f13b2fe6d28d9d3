import { estimateTransitions } from '../../shared/domain/journeys';
import { httpHandler, json, pathParameter } from '../../shared/adapters/http/http-api';
import { JourneyNotFound } from '../../shared/adapters/journeys/errors';
import { JourneyTablesConfig } from '../../shared/adapters/journeys/journey-config';
import { journeyStores } from '../../shared/adapters/journeys/journey-wiring';
import { readConfig } from '../../shared/config/read-config';

const stores = journeyStores(readConfig(JourneyTablesConfig));

/** GET /v1/journeys/{journeyId}: the definition, audience, status and launch counts. */
export const handler = httpHandler(async (event) => {
  const journeyId = pathParameter(event, 'journeyId');
  const journey = await stores.journeys.get(journeyId);
  if (!journey) throw new JourneyNotFound(journeyId);
  return json(200, { ...journey, transitionsPerTreatedUser: estimateTransitions(journey.definition) });
});
