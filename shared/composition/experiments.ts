/**
 * The one composition module of the experiments feature: the journeys' ports it builds on, and its
 * own (rollout state, contact feedback, alerts), each built and configured on first use.
 */
import type { RolloutPorts } from '../application/experiments/evaluate-rollouts';
import type { ExperimentReportPorts } from '../application/experiments/report-experiment';
import { dynamoDocumentClient } from '../adapters/dynamodb/client';
import { SuppressionContactFeedback } from '../adapters/experiments/contact-feedback';
import { EXPERIMENTS_ENV, ExperimentReportConfig, RolloutConfig } from '../adapters/experiments/experiments-config';
import { SnsRolloutAlerts } from '../adapters/experiments/rollout-alerts';
import { DynamoRolloutStateStore } from '../adapters/experiments/rollout-state-store';
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

/** The rollout states alone: what the journey's own GET shows beside its status. */
export const composeRolloutStates = once(() => rolloutStore());

/** The ports of the hourly rollout evaluation. */
export const composeRollouts = once((): RolloutPorts => {
  const config = readConfig(RolloutConfig, process.env);
  const journeys = composeJourneys();
  const client = dynamoDocumentClient();
  return {
    clock: journeys.clock,
    journeys: journeys.journeys,
    enrollments: journeys.enrollments,
    activity: journeys.activity,
    queue: journeys.queue,
    rollouts: rolloutStore(),
    feedback: new SuppressionContactFeedback(client, tables().users, new DynamoSuppressionList(client, tables())),
    alerts: new SnsRolloutAlerts(config[EXPERIMENTS_ENV.alarmTopicArn]),
  };
});

/** The ports of the per-variant, per-stage report. */
export const composeExperimentReport = once((): ExperimentReportPorts => {
  const config = readConfig(ExperimentReportConfig, process.env);
  const journeys = composeJourneys();
  return {
    journeys: journeys.journeys,
    enrollments: journeys.enrollments,
    activity: journeys.activity,
    rollouts: rolloutStore(),
    globalControl: config[EXPERIMENTS_ENV.contactPolicy].globalControl,
  };
});
