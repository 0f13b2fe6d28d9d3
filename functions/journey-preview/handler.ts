import { parseInput } from '../../shared/domain/common';
import { LaunchRequest } from '../../shared/domain/journeys';
import { previewLaunch } from '../../shared/application/journeys/preview-launch';
import { httpHandler, json, jsonBody } from '../../shared/adapters/http/http-api';
import { composeJourneys } from '../../shared/composition/journeys';

const journeys = composeJourneys();

/** POST /v1/journeys/preview: who a launch would reach, the holdout, messages and cost. Writes nothing. */
export const handler = httpHandler(async (event) => json(200, await previewLaunch(parseInput(LaunchRequest, jsonBody(event), 'the request'), journeys)));
