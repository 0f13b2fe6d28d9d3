/**
 * The one composition module of the experiments feature: the journeys' ports it builds on, and its
 * own (rollout state, tallies, member pages, contact feedback, alerts), each built and configured on
 * first use, so a task is given only the variables it reads.
 */
import type { RolloutPorts } from '../application/experiments/evaluate-rollouts';
import type { ExperimentReportPorts } from '../application/experiments/report-experiment';
import { dynamoDocumentClient } from '../adapters/dynamodb/client';
import { SuppressionContactFeedback } from '../adapters/experiments/contact-feedback';
import { DynamoExperimentSnapshotStore } from '../adapters/experiments/experiment-snapshot-store';
import { EXPERIMENTS_ENV, ExperimentReportConfig, RolloutConfig } from '../adapters/experiments/experiments-config';
import { DynamoMemberPages } from '../adapters/experiments/member-pages';
import { HealthListRolloutAlerts } from '../adapters/experiments/rollout-alerts';
import { DynamoRolloutStateStore } from '../adapters/experiments/rollout-state-store';
import { DynamoHealthStores } from '../adapters/health/dynamo-health-stores';
import { ENV, JourneyTablesConfig } from '../adapters/journeys/journey-config';
import { DynamoSuppressionList } from '../adapters/messaging';
import { readConfig } from '../config/read-config';
import { composeJourneys } from './journeys';
import { once } from './once';

const tables = once(() => {
  const config = readConfig(JourneyTablesConfig, process.env);
  return { users: config[ENV.usersTable], operations: config[ENV.operationsTable] };
});
const rolloutStore = once(() => new DynamoRolloutStateStore(dynamoDocumentClient(), tables().operations));
const snapshotStore = once(() => new DynamoExperimentSnapshotStore(dynamoDocumentClient(), tables().operations));

/** The rollout states alone: what the journey's own GET shows beside its status. */
export const composeRolloutStates = once(() => rolloutStore());

/**
 * The ports of the rollout workflow's tasks. Each is resolved on first use: the queue task reads
 * only the launch queue's variable, the decide task only the alarm topic's and the time zone's.
 */
export const composeRollouts = once((): RolloutPorts => {
  const journeys = composeJourneys();
  const client = dynamoDocumentClient();
  const config = once(() => readConfig(RolloutConfig, process.env));
  const alerts = once(
    () =>
      new HealthListRolloutAlerts(
        new DynamoHealthStores(client, tables().operations),
        config()[EXPERIMENTS_ENV.healthTimeZone],
        config()[EXPERIMENTS_ENV.alarmTopicArn],
      ),
  );
  const globalControl = once(() => readConfig(ExperimentReportConfig, process.env)[EXPERIMENTS_ENV.contactPolicy].globalControl);
  const feedback = once(() => new SuppressionContactFeedback(client, tables().users, new DynamoSuppressionList(client, tables())));
  return {
    clock: journeys.clock,
    journeys: journeys.journeys,
    members: new DynamoMemberPages(client, tables().operations),
    enrollments: journeys.enrollments,
    activity: journeys.activity,
    get queue() {
      return journeys.queue;
    },
    rollouts: rolloutStore(),
    snapshots: snapshotStore(),
    get pageSizes() {
      const tally = config()[EXPERIMENTS_ENV.pageSize];
      return { tally, queue: 2 * tally };
    },
    get feedback() {
      return feedback();
    },
    get alerts() {
      return alerts();
    },
    get globalControl() {
      return globalControl();
    },
  };
});

/** The ports of the per-variant, per-stage report: the journey, its rollout and its last tally. */
export const composeExperimentReport = once((): ExperimentReportPorts => {
  const config = readConfig(ExperimentReportConfig, process.env);
  const journeys = composeJourneys();
  return {
    journeys: journeys.journeys,
    rollouts: rolloutStore(),
    snapshots: snapshotStore(),
    globalControl: config[EXPERIMENTS_ENV.contactPolicy].globalControl,
  };
});
