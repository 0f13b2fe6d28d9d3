import { httpHandler, json, jsonBody } from '../../shared/adapters/http/http-api';
import { JourneyTablesConfig } from '../../shared/adapters/journeys/journey-config';
import { asHttp, journeyStores, parseBody } from '../../shared/adapters/journeys/journey-wiring';
import { LaunchRequest, previewLaunch } from '../../shared/adapters/journeys/journey-use-cases';
import { readConfig } from '../../shared/config/read-config';

const stores = journeyStores(readConfig(JourneyTablesConfig));

/** POST /v1/journeys/preview: who a launch would reach, the holdout, messages and cost. Writes nothing. */
export const handler = httpHandler(async (event) => {
  const request = parseBody(LaunchRequest, jsonBody(event));
  return json(200, await asHttp(() => previewLaunch(request, stores)));
});
