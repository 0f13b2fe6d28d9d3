import { z } from 'zod';
import { parseInput } from '../../shared/domain/common';
import { LaunchRequest } from '../../shared/domain/journeys';
import { audienceCountOf } from '../../shared/application/journeys/count-audience';
import { previewLaunch } from '../../shared/application/journeys/preview-launch';
import { httpHandler, json, jsonBody, pathParameter } from '../../shared/adapters/http/http-api';
import { composeJourneys } from '../../shared/composition/journeys';

const journeys = composeJourneys();

/** What the preview body adds to a launch request. */
const PreviewOptions = z.object({ exact: z.boolean().optional() });

/** Where a count is followed. */
const countPath = (countId: string) => `/v1/journeys/preview/${countId}`;

/**
 * POST /v1/journeys/preview: who a launch would reach, the holdout, messages and cost, from the
 * nightly audience summary (200). With `"exact": true`, or before any summary exists, it starts the
 * exact count and answers 202 with the count's id and where to follow it (`Location`).
 * GET /v1/journeys/preview/{countId}: the count's progress, then its preview. Writes no enrollment.
 */
export const handler = httpHandler(async (event) => {
  if (event.requestContext.http.method === 'GET') return json(200, await audienceCountOf(pathParameter(event, 'countId'), journeys));
  const body = jsonBody(event);
  const options = parseInput(PreviewOptions, body, 'the request');
  const outcome = await previewLaunch(parseInput(LaunchRequest, body, 'the request'), journeys, options.exact === undefined ? {} : { exact: options.exact });
  if (outcome.kind === 'summary') return json(200, outcome.preview);
  const location = countPath(outcome.count.countId);
  return json(202, { ...outcome.count, reason: outcome.reason, location }, { location });
});
