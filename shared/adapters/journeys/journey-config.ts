import { z } from 'zod';
import { positiveIntFromEnv } from '../../config/read-config';
import { ENV, OperationsTableConfig, UsersTableConfig } from '../../config/tables';

/** Environment variables the journeys feature sets (infra/features/journeys.ts) and its handlers read. */
export const JOURNEY_ENV = {
  stateMachineArn: 'JOURNEY_STATE_MACHINE_ARN',
  launchQueueUrl: 'JOURNEY_LAUNCH_QUEUE_URL',
  startRatePerSecond: 'JOURNEY_START_RATE_PER_SECOND',
  launchStateMachineArn: 'JOURNEY_LAUNCH_STATE_MACHINE_ARN',
  countStateMachineArn: 'JOURNEY_COUNT_STATE_MACHINE_ARN',
} as const;

/** Every journey handler reads the two tables and the aggregate retention (for the user store). */
export const JourneyTablesConfig = UsersTableConfig.extend(OperationsTableConfig.shape).extend({ [ENV.aggregateRetentionDays]: positiveIntFromEnv });

export const JourneyLaunchConfig = JourneyTablesConfig.extend({ [JOURNEY_ENV.launchQueueUrl]: z.string().min(1, 'must be the launch queue URL') });

export const JourneyStarterConfig = JourneyTablesConfig.extend({
  [JOURNEY_ENV.stateMachineArn]: z.string().startsWith('arn:'),
  [JOURNEY_ENV.startRatePerSecond]: positiveIntFromEnv,
});

export const JourneyLaunchWorkflowConfig = JourneyTablesConfig.extend({ [JOURNEY_ENV.launchStateMachineArn]: z.string().startsWith('arn:') });

export const JourneyCountWorkflowConfig = JourneyTablesConfig.extend({ [JOURNEY_ENV.countStateMachineArn]: z.string().startsWith('arn:') });

export const JourneyControlConfig = JourneyTablesConfig.extend({ [JOURNEY_ENV.stateMachineArn]: z.string().startsWith('arn:') });

export { ENV };
