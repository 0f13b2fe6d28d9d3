import { httpHandler, json, jsonBody } from '../../shared/adapters/http/http-api';
import { JourneyLaunchConfig, JOURNEY_ENV } from '../../shared/adapters/journeys/journey-config';
import { asHttp, journeyStores, parseBody } from '../../shared/adapters/journeys/journey-wiring';
import { SqsLaunchQueue } from '../../shared/adapters/journeys/launch-queue';
import { launchJourney, LaunchRequest } from '../../shared/adapters/journeys/journey-use-cases';
import { readConfig } from '../../shared/config/read-config';

const config = readConfig(JourneyLaunchConfig);
const stores = journeyStores(config);
const queue = new SqsLaunchQueue(config[JOURNEY_ENV.launchQueueUrl]);

/** POST /v1/journeys: launches a journey on an audience; executions start from the launch queue. */
export const handler = httpHandler(async (event) => {
  const request = parseBody(LaunchRequest, jsonBody(event));
  const result = await asHttp(() => launchJourney(request, { ...stores, queue }));
  return json(result.relaunch ? 200 : 202, result);
});
