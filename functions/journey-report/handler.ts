import { httpHandler, json, pathParameter } from '../../shared/adapters/http/http-api';
import { JourneyTablesConfig } from '../../shared/adapters/journeys/journey-config';
import { asHttp, journeyStores } from '../../shared/adapters/journeys/journey-wiring';
import { reportJourney } from '../../shared/adapters/journeys/journey-use-cases';
import { readConfig } from '../../shared/config/read-config';

const stores = journeyStores(readConfig(JourneyTablesConfig));

/** GET /v1/journeys/{journeyId}/report: funnel, reactivation, lift vs holdout, revenue, spill-over. */
export const handler = httpHandler(async (event) => {
  const journeyId = pathParameter(event, 'journeyId');
  const answer = await asHttp(() => reportJourney(journeyId, stores));
  return json(200, { status: answer.journey.status, exits: answer.exits, failures: answer.failures, ...answer.report });
});
