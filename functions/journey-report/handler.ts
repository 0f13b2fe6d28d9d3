import { reportJourney } from '../../shared/application/journeys/report-journey';
import { httpHandler, json, pathParameter } from '../../shared/adapters/http/http-api';
import { composeJourneys } from '../../shared/composition/journeys';

const journeys = composeJourneys();

/** GET /v1/journeys/{journeyId}/report: funnel, reactivation, lift vs holdout, revenue, spill-over; per step and entry. */
export const handler = httpHandler(async (event) => {
  const answer = await reportJourney(pathParameter(event, 'journeyId'), journeys);
  return json(200, { status: answer.journey.status, exits: answer.exits, failures: answer.failures, ...answer.report, entries: answer.entries });
});
