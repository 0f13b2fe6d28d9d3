import { listJourneys } from '../../shared/application/journeys/read-journeys';
import { httpHandler, json } from '../../shared/adapters/http/http-api';
import { composeJourneys } from '../../shared/composition/journeys';

const journeys = composeJourneys();

/** GET /v1/journeys: every journey with its status and launch counts. */
export const handler = httpHandler(async () => json(200, { journeys: await listJourneys(journeys) }));
