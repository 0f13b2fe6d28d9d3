import { getJourney } from '../../shared/application/journeys/read-journeys';
import { httpHandler, json, pathParameter } from '../../shared/adapters/http/http-api';
import { composeJourneys } from '../../shared/composition/journeys';

const journeys = composeJourneys();

/** GET /v1/journeys/{journeyId}: the definition, audience, status and launch counts. */
export const handler = httpHandler(async (event) => json(200, await getJourney(pathParameter(event, 'journeyId'), journeys)));
