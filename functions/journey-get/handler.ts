import { getJourney } from '../../shared/application/journeys/read-journeys';
import { httpHandler, json, pathParameter } from '../../shared/adapters/http/http-api';
import { composeRolloutStates } from '../../shared/composition/experiments';
import { composeJourneys } from '../../shared/composition/journeys';

const journeys = composeJourneys();
const rollouts = composeRolloutStates();

/** GET /v1/journeys/{journeyId}: the definition, audience, status and launch counts; a staged rollout's stage and history (experiments). */
export const handler = httpHandler(async (event) => {
  const journeyId = pathParameter(event, 'journeyId');
  const [journey, rollout] = await Promise.all([getJourney(journeyId, journeys), rollouts.get(journeyId)]);
  return json(200, { ...journey, ...(rollout ? { rollout } : {}) });
});
