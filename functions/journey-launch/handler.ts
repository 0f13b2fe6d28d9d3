import { parseInput } from '../../shared/domain/common';
import { LaunchRequest } from '../../shared/domain/journeys';
import { launchJourney } from '../../shared/application/journeys/launch-journey';
import { httpHandler, json, jsonBody } from '../../shared/adapters/http/http-api';
import { countMetric, publishCountedMetrics } from '../../shared/adapters/observability/metrics';
import { composeJourneys } from '../../shared/composition/journeys';

const journeys = composeJourneys();

/** POST /v1/journeys: launches a journey on an audience; executions start from the launch queue. */
export const handler = httpHandler(async (event) => {
  const result = await launchJourney(parseInput(LaunchRequest, jsonBody(event), 'the request'), journeys);
  countMetric('JourneyEnrollments', result.enrolled - result.holdout);
  countMetric('JourneyHoldoutEnrollments', result.holdout);
  return json(result.relaunch ? 200 : 202, result);
}).use(publishCountedMetrics());
