import { InvalidInputError } from '../../shared/domain/common';
import { runtimeClock } from '../../shared/adapters/runtime-clock';
import { ingestEvents } from '../../shared/domain/events/ingest-events';
import { DynamoRawEventStore } from '../../shared/adapters/dynamodb/raw-event-store';
import { dynamoDocumentClient } from '../../shared/adapters/dynamodb/client';
import { httpHandler, json, jsonBody } from '../../shared/adapters/http/http-api';
import { readConfig } from '../../shared/config/read-config';
import { ENV, INGEST_DEFAULTS, IngestConfig } from '../../shared/config/tables';
import { logger } from '../../shared/adapters/observability/logger';

const config = readConfig(IngestConfig);
const rawEvents = new DynamoRawEventStore(dynamoDocumentClient(), config[ENV.eventsTable], config[ENV.rawEventRetentionDays]);
const window = { maxAgeDays: config[ENV.eventMaxAgeDays], maxFutureSkewMs: INGEST_DEFAULTS.maxFutureSkewMs };

/** POST /v1/events: a batch of 1–500 behaviour events, stored durably before the answer. */
export const handler = httpHandler(async (event) => {
  const outcome = await ingestEvents(jsonBody(event), { rawEvents, clock: runtimeClock, window });
  if (outcome.kind === 'invalid') {
    throw new InvalidInputError(`the batch was rejected whole: ${outcome.problems.length} problem(s); nothing was written`, outcome.problems);
  }
  logger.info('events accepted', { accepted: outcome.accepted, new: outcome.new, duplicates: outcome.duplicates });
  return json(202, { accepted: outcome.accepted, new: outcome.new, duplicates: outcome.duplicates });
});
