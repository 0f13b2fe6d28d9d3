import { InvalidInputError } from '../../shared/domain/common';
import { ingestEvents } from '../../shared/application/events/ingest-events';
import { composeEvents } from '../../shared/composition/events';
import { httpHandler, json, jsonBody } from '../../shared/adapters/http/http-api';
import { logger } from '../../shared/adapters/observability/logger';
import { countMetric, publishCountedMetrics } from '../../shared/adapters/observability/metrics';

const ports = composeEvents().ingest();

/** POST /v1/events: a batch of 1–500 behaviour events, stored durably before the answer (202 `{accepted}`). */
export const handler = httpHandler(async (event) => {
  const outcome = await ingestEvents(jsonBody(event), ports);
  if (outcome.kind === 'invalid') {
    throw new InvalidInputError(`the batch was rejected whole: ${outcome.problems.length} problem(s); nothing was written`, outcome.problems);
  }
  // Accepted, not new: the ingest path writes without reading, and a duplicate is dropped when
  // applied (only an id's first write is an INSERT on the stream), so no one can count it here.
  countMetric('EventsAccepted', outcome.accepted);
  logger.info('events accepted', { accepted: outcome.accepted });
  return json(202, { accepted: outcome.accepted });
}).use(publishCountedMetrics());
