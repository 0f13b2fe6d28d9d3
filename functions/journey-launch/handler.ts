import { parseInput } from '../../shared/domain/common';
import { LaunchRequest } from '../../shared/domain/journeys';
import { launchJourney } from '../../shared/application/journeys/launch-journey';
import { httpHandler, json, jsonBody } from '../../shared/adapters/http/http-api';
import { composeJourneys } from '../../shared/composition/journeys';

const journeys = composeJourneys();

/**
 * POST /v1/journeys: stores the journey `launching` and starts its launch workflow, answering 202
 * with the id at once (a later request for the same journey answers 200 with its progress).
 * Enrollments are counted by the workflow's LaunchSegment task, where they happen.
 */
export const handler = httpHandler(async (event) => {
  const result = await launchJourney(parseInput(LaunchRequest, jsonBody(event), 'the request'), journeys);
  return json(result.relaunch ? 200 : 202, result);
});
