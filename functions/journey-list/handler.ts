import { httpHandler, json } from '../../shared/adapters/http/http-api';
import { JourneyTablesConfig } from '../../shared/adapters/journeys/journey-config';
import { journeyStores } from '../../shared/adapters/journeys/journey-wiring';
import { readConfig } from '../../shared/config/read-config';

const stores = journeyStores(readConfig(JourneyTablesConfig));

/** GET /v1/journeys: every journey with its status and launch counts. */
export const handler = httpHandler(async () => {
  const journeys = await stores.journeys.list();
  return json(200, {
    journeys: journeys.map(({ journeyId, definition, status, launchedAt, updatedAt, launch }) => ({ journeyId, name: definition.name, tier: definition.tier, automatic: definition.automatic, status, launchedAt, updatedAt, launch })),
  });
});
