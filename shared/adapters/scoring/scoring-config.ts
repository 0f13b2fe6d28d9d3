import { z } from 'zod';
import { positiveIntFromEnv } from '../../config/read-config';
import { ENV } from '../../config/tables';
import { parseScoringConfig } from '../../domain/models';
import type { ScoringSettings } from '../../domain/scoring-run';

/** Environment variables of the scoring functions, set by infra/features/scoring.ts. */
export const SCORING_ENV = {
  segments: 'SCORING_SEGMENTS',
  refitEveryDays: 'SCORING_REFIT_EVERY_DAYS',
  sampleUsers: 'SCORING_SAMPLE_USERS',
  coreFeatures: 'SCORING_CORE_FEATURES',
  stateMachineArn: 'SCORING_STATE_MACHINE_ARN',
} as const;

const tableName = z.string({ message: 'is required' }).min(3, 'must be a table name');

export const ScoringFunctionConfig = z.object({
  [ENV.usersTable]: tableName,
  [ENV.operationsTable]: tableName,
  [SCORING_ENV.segments]: positiveIntFromEnv,
  [SCORING_ENV.refitEveryDays]: positiveIntFromEnv,
  [SCORING_ENV.sampleUsers]: positiveIntFromEnv,
  [SCORING_ENV.coreFeatures]: z.string({ message: 'is required' }).min(1, 'must list at least one feature'),
});
export type ScoringFunctionConfig = z.infer<typeof ScoringFunctionConfig>;

export const ScoringApiConfig = z.object({
  [ENV.operationsTable]: tableName,
  [SCORING_ENV.stateMachineArn]: z.string({ message: 'is required' }).startsWith('arn:', 'must be a state machine ARN'),
});

/** The run settings from a validated environment; the model configuration takes its defaults. */
export function scoringSettingsOf(config: ScoringFunctionConfig): ScoringSettings {
  return {
    totalSegments: config[SCORING_ENV.segments],
    refitEveryDays: config[SCORING_ENV.refitEveryDays],
    sampleUsers: config[SCORING_ENV.sampleUsers],
    config: parseScoringConfig({}),
    coreFeatures: new Set(
      config[SCORING_ENV.coreFeatures]
        .split(',')
        .map((feature) => feature.trim())
        .filter(Boolean),
    ),
  };
}
