import { z } from 'zod';
import { CachedSecret, SecretsManagerClient } from '../adapters/secrets/cached-secret';
import { RawEventFirstContent } from '../adapters/dynamodb/raw-event-first-content';
import { DynamoRawEventStore } from '../adapters/dynamodb/raw-event-store';
import { DynamoUserStore } from '../adapters/dynamodb/user-store';
import { dynamoDocumentClient } from '../adapters/dynamodb/client';
import { runtimeClock } from '../adapters/runtime-clock';
import { readConfig } from '../config/read-config';
import { AggregationConfig, ENV, INGEST_DEFAULTS, IngestConfig } from '../config/tables';
import type { Clock } from '../domain/common';
import type { MonthActivityStore, RawEventStore } from '../domain/events/ports';
import type { EventTimeWindow } from '../domain/events/validate-batch';

export interface EventIngestPorts {
  rawEvents: RawEventStore;
  clock: Clock;
  window: EventTimeWindow;
}

export interface EventAggregationPorts {
  months: MonthActivityStore;
  /** Puts a re-sent id's first content back into its raw item (from the stream's MODIFYs). */
  firstContent: RawEventFirstContent;
}

export interface EventsComposition {
  /** What `POST /v1/events` needs (the ingest function is given the events table only). */
  ingest(): EventIngestPorts;
  /** What the raw-event stream consumer needs (both tables). */
  aggregation(): EventAggregationPorts;
  /** The producers' API key, for the ingest authorizer. */
  ingestKey(): CachedSecret;
}

let ingestPorts: EventIngestPorts | undefined;
let aggregationPorts: EventAggregationPorts | undefined;
let ingestKey: CachedSecret | undefined;

/**
 * The events feature's wiring. Each part reads its own configuration once, on first use, because
 * the ingest function and the aggregator are given different tables.
 */
export function composeEvents(): EventsComposition {
  return {
    ingest() {
      if (!ingestPorts) {
        const config = readConfig(IngestConfig);
        ingestPorts = {
          rawEvents: new DynamoRawEventStore(dynamoDocumentClient(), config[ENV.eventsTable], config[ENV.rawEventRetentionDays]),
          clock: runtimeClock,
          window: { maxAgeDays: config[ENV.eventMaxAgeDays], maxFutureSkewMs: INGEST_DEFAULTS.maxFutureSkewMs },
        };
      }
      return ingestPorts;
    },
    aggregation() {
      if (!aggregationPorts) {
        const config = readConfig(AggregationConfig);
        aggregationPorts = {
          months: new DynamoUserStore(dynamoDocumentClient(), config[ENV.usersTable], config[ENV.aggregateRetentionDays]),
          firstContent: new RawEventFirstContent(dynamoDocumentClient(), config[ENV.eventsTable]),
        };
      }
      return aggregationPorts;
    },
    ingestKey() {
      ingestKey ??= new CachedSecret(new SecretsManagerClient({}), readConfig(z.object({ INGEST_KEY_SECRET_ARN: z.string().min(1) })).INGEST_KEY_SECRET_ARN);
      return ingestKey;
    },
  };
}
