import { z } from 'zod';
import { JourneyLaunchConfig, JourneyTablesConfig } from '../journeys/journey-config';
import { MESSAGING_ENV } from '../messaging/config';
import { parseContactPolicyConfig, type ContactPolicyConfig } from '../../domain/messaging';

/** Environment variables the experiments feature sets (infra/features/experiments.ts) and its handlers read. */
export const EXPERIMENTS_ENV = {
  alarmTopicArn: 'EXPERIMENTS_ALARM_TOPIC_ARN',
  /** The contact policy the send path enforces: the report reads its global control group from it. */
  contactPolicy: MESSAGING_ENV.contactPolicy,
} as const;

/** The rollout evaluation: the journeys' tables and launch queue, and where halts are announced. */
export const RolloutConfig = JourneyLaunchConfig.extend({
  [EXPERIMENTS_ENV.alarmTopicArn]: z.string({ message: 'is required' }).startsWith('arn:', 'must be a topic ARN'),
});

/** The experiment report: the journeys' tables and the global control group of the contact policy. */
export const ExperimentReportConfig = JourneyTablesConfig.extend({
  [EXPERIMENTS_ENV.contactPolicy]: z.string({ message: 'is required (JSON)' }).transform((text, context): ContactPolicyConfig => {
    try {
      return parseContactPolicyConfig(JSON.parse(text));
    } catch (error) {
      context.addIssue({ code: 'custom', message: error instanceof Error ? error.message : String(error) });
      return z.NEVER;
    }
  }),
});
