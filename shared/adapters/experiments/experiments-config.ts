import { z } from 'zod';
import { positiveIntFromEnv } from '../../config/read-config';
import { JourneyLaunchConfig, JourneyTablesConfig } from '../journeys/journey-config';
import { MESSAGING_ENV } from '../messaging/config';
import { HEALTH_ENV } from '../health/health-config';
import { parseContactPolicyConfig, type ContactPolicyConfig } from '../../domain/messaging';

/** Environment variables the experiments feature sets (infra/features/experiments.ts) and its handlers read. */
export const EXPERIMENTS_ENV = {
  alarmTopicArn: 'EXPERIMENTS_ALARM_TOPIC_ARN',
  /** The contact policy the send path enforces: the report reads its global control group from it. */
  contactPolicy: MESSAGING_ENV.contactPolicy,
  /** The health reporting time zone: a halt's alert is listed on its day there. */
  healthTimeZone: HEALTH_ENV.timeZone,
  /** Members one tally task reads (a queue task twice as many). */
  pageSize: 'EXPERIMENTS_PAGE_SIZE',
} as const;

const ContactPolicyJson = z.string({ message: 'is required (JSON)' }).transform((text, context): ContactPolicyConfig => {
  try {
    return parseContactPolicyConfig(JSON.parse(text));
  } catch (error) {
    context.addIssue({ code: 'custom', message: error instanceof Error ? error.message : String(error) });
    return z.NEVER;
  }
});

/** The experiment report: the journeys' tables and the global control group of the contact policy. */
export const ExperimentReportConfig = JourneyTablesConfig.extend({ [EXPERIMENTS_ENV.contactPolicy]: ContactPolicyJson });

/** The rollout evaluation's tasks: the tables, the global control group (tally), the launch queue (queue pages), where halts are announced (decide). */
export const RolloutConfig = ExperimentReportConfig.extend({
  [EXPERIMENTS_ENV.alarmTopicArn]: z.string({ message: 'is required' }).startsWith('arn:', 'must be a topic ARN'),
  [EXPERIMENTS_ENV.healthTimeZone]: z.string({ message: 'is required' }).min(1),
  [EXPERIMENTS_ENV.pageSize]: positiveIntFromEnv,
});
export const RolloutQueueConfig = JourneyLaunchConfig;
