/**
 * The one composition module of product health: reads its configuration once (a missing value
 * throws naming the variable), builds the adapters and returns the ports. Sections match what each
 * function is given: the nightly scan's segment task folds tallies, the daily task computes and
 * alerts, the API reads and resumes.
 */
import { readConfig } from '../config/read-config';
import { ENV, UsersTableConfig } from '../config/tables';
import { dynamoDocumentClient } from '../adapters/dynamodb/client';
import { HEALTH_ENV, HealthConfig, HealthDailyConfig, healthSettingsOf } from '../adapters/health/health-config';
import { DynamoHealthStores } from '../adapters/health/dynamo-health-stores';
import { DynamoFeedbackCounters } from '../adapters/health/feedback-counters';
import { DynamoMessageOutcomeCounters } from '../adapters/health/message-outcome-counters';
import { ScannedHealthUsers } from '../adapters/health/scanned-health-users';
import { SnsAlertPublisher } from '../adapters/health/sns-alert-publisher';
import { DynamoKillSwitch } from '../adapters/messaging/kill-switch';
import { runtimeClock } from '../adapters/runtime-clock';
import { healthSegmentFolder, type HealthScanScope } from '../application/health/fold-health-segment';
import type { Clock } from '../domain/common';
import type { FeedbackCounters, HealthPorts, HealthSettings, HealthUserSource, HealthSeriesStore, MessageOutcomeCounter } from '../domain/health';
import { once } from './once';

const base = once(() => {
  const config = readConfig(HealthConfig);
  return {
    stores: new DynamoHealthStores(dynamoDocumentClient(), config[ENV.operationsTable]),
    messages: new DynamoMessageOutcomeCounters(dynamoDocumentClient(), config[ENV.operationsTable]),
    feedback: new DynamoFeedbackCounters(dynamoDocumentClient(), config[ENV.operationsTable], () => runtimeClock.now()),
    killSwitch: new DynamoKillSwitch(dynamoDocumentClient(), config[ENV.operationsTable]),
    settings: healthSettingsOf(config),
  };
});

/** The daily task's ports: everything, with the alarm topic. */
const daily = once((): HealthPorts & { settings: HealthSettings; clock: Clock } => {
  const config = readConfig(HealthDailyConfig);
  const { stores, messages, killSwitch, settings } = base();
  return {
    series: stores,
    tallies: stores,
    alerts: stores,
    incidents: stores,
    messages,
    publisher: new SnsAlertPublisher(config[HEALTH_ENV.alarmTopicArn]),
    killSwitch,
    settings,
    clock: runtimeClock,
  };
});

/** Parallel-scan segments of the backfill's one pass over the users. */
const BACKFILL_SEGMENTS = 4;

/** The backfill's ports: the users table (read once), the series and the message counters. */
const backfill = once(() => {
  const config = readConfig(UsersTableConfig);
  const { stores, messages, settings } = base();
  return { users: new ScannedHealthUsers(dynamoDocumentClient(), config[ENV.usersTable], BACKFILL_SEGMENTS), series: stores, messages, settings };
});

export interface HealthComposition {
  clock: Clock;
  /** The nightly scan's fold of one segment invocation. */
  segmentFolder(scope: HealthScanScope): ReturnType<typeof healthSegmentFolder>;
  daily(): HealthPorts & { settings: HealthSettings; clock: Clock };
  /** The backfill of past days from the users' aggregates. */
  backfill(): { users: HealthUserSource; series: HealthSeriesStore; messages: MessageOutcomeCounter; settings: HealthSettings };
  /** The feedback consumer's counters. */
  feedback(): { feedback: FeedbackCounters; settings: HealthSettings };
  /** The API's stores: series, alerts, incidents, feedback counters and the kill switch. */
  api(): {
    series: DynamoHealthStores;
    alerts: DynamoHealthStores;
    incidents: DynamoHealthStores;
    feedback: FeedbackCounters;
    killSwitch: DynamoKillSwitch;
    settings: HealthSettings;
    clock: Clock;
  };
}

/** The health composition, built once per process; each section reads its configuration on first use. */
export const composeHealth = once((): HealthComposition => ({
  clock: runtimeClock,
  segmentFolder: (scope) => healthSegmentFolder(scope, { tallies: base().stores, settings: base().settings, clock: runtimeClock }),
  daily,
  backfill,
  feedback: () => ({ feedback: base().feedback, settings: base().settings }),
  api: () => {
    const { stores, feedback, killSwitch, settings } = base();
    return { series: stores, alerts: stores, incidents: stores, feedback, killSwitch, settings, clock: runtimeClock };
  },
}));
