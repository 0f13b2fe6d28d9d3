import { z } from 'zod';
import { parseInput } from '../../shared/domain/common';
import { LaunchRequest } from '../../shared/domain/journeys';
import { previewLaunch } from '../../shared/application/journeys/preview-launch';
import { httpHandler, json, jsonBody } from '../../shared/adapters/http/http-api';
import { composeJourneys } from '../../shared/composition/journeys';

const journeys = composeJourneys();

/** What the preview body adds to a launch request. */
const PreviewOptions = z.object({ exact: z.boolean().optional() });

/**
 * POST /v1/journeys/preview: who a launch would reach, the holdout, messages and cost, from the
 * nightly audience summary (or, with `"exact": true`, from the scores now). Writes nothing.
 */
export const handler = httpHandler(async (event) => {
  const body = jsonBody(event);
  const options = parseInput(PreviewOptions, body, 'the request');
  return json(200, await previewLaunch(parseInput(LaunchRequest, body, 'the request'), journeys, options.exact === undefined ? {} : { exact: options.exact }));
});
