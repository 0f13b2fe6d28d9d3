import { z } from 'zod';
import { positiveIntFromEnv } from './read-config';

/** Environment variable names shared by the CDK app (which sets them) and the handlers (which read them). */
export const ENV = {
  usersTable: 'USERS_TABLE_NAME',
  eventsTable: 'EVENTS_TABLE_NAME',
  operationsTable: 'OPERATIONS_TABLE_NAME',
  eventMaxAgeDays: 'EVENT_MAX_AGE_DAYS',
  rawEventRetentionDays: 'RAW_EVENT_RETENTION_DAYS',
  aggregateRetentionDays: 'AGGREGATE_RETENTION_DAYS',
} as const;

const tableName = z.string({ message: 'is required' }).min(3, 'must be a table name');

export const UsersTableConfig = z.object({ [ENV.usersTable]: tableName });
export const EventsTableConfig = z.object({ [ENV.eventsTable]: tableName });
export const OperationsTableConfig = z.object({ [ENV.operationsTable]: tableName });

export const IngestConfig = EventsTableConfig.extend({
  [ENV.eventMaxAgeDays]: positiveIntFromEnv,
  [ENV.rawEventRetentionDays]: positiveIntFromEnv,
});

export const AggregationConfig = UsersTableConfig.extend(EventsTableConfig.shape).extend({
  [ENV.rawEventRetentionDays]: positiveIntFromEnv,
  [ENV.aggregateRetentionDays]: positiveIntFromEnv,
});

/** Defaults the CDK app deploys with; every one can be overridden in cdk.json context. */
export const INGEST_DEFAULTS = {
  eventMaxAgeDays: 400,
  maxFutureSkewMs: 5 * 60 * 1000,
  rawEventRetentionDays: 400,
  aggregateRetentionDays: 400,
} as const;
