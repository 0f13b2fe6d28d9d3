import { z } from 'zod';
import { ENV } from '../../config/tables';
import { HealthThresholds, type HealthSettings } from '../../domain/health';

/** Environment variables of the health functions, set by infra/features/health.ts. */
export const HEALTH_ENV = {
  timeZone: 'HEALTH_TIME_ZONE',
  coreFeatures: 'HEALTH_CORE_FEATURES',
  benchmarks: 'HEALTH_BENCHMARKS',
  cohortWeeks: 'HEALTH_COHORT_WEEKS',
  thresholds: 'HEALTH_THRESHOLDS',
  alarmTopicArn: 'HEALTH_ALARM_TOPIC_ARN',
} as const;

const tableName = z.string({ message: 'is required' }).min(3, 'must be a table name');
const json = <T extends z.ZodType>(schema: T) =>
  z
    .string({ message: 'is required' })
    .transform((text, context) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        context.addIssue({ code: 'custom', message: 'must be JSON' });
        return z.NEVER;
      }
    })
    .pipe(schema);

/** What every health function reads: the operations table and how days are computed and judged. */
export const HealthConfig = z.object({
  [ENV.operationsTable]: tableName,
  [HEALTH_ENV.timeZone]: z.string({ message: 'is required' }).min(1),
  [HEALTH_ENV.coreFeatures]: z.string({ message: 'is required' }).min(1, 'must list at least one feature'),
  [HEALTH_ENV.benchmarks]: json(z.record(z.string(), z.number().min(0).max(1))),
  [HEALTH_ENV.cohortWeeks]: z.coerce.number().int().positive().max(26),
  [HEALTH_ENV.thresholds]: json(HealthThresholds),
});
export type HealthConfig = z.infer<typeof HealthConfig>;

/** The daily task also publishes alerts. */
export const HealthDailyConfig = HealthConfig.extend({
  [HEALTH_ENV.alarmTopicArn]: z.string({ message: 'is required' }).startsWith('arn:', 'must be a topic ARN'),
});

export function healthSettingsOf(config: HealthConfig): HealthSettings {
  return {
    timeZone: config[HEALTH_ENV.timeZone],
    coreFeatures: config[HEALTH_ENV.coreFeatures]
      .split(',')
      .map((feature) => feature.trim())
      .filter(Boolean),
    benchmarks: config[HEALTH_ENV.benchmarks],
    cohortWeeks: config[HEALTH_ENV.cohortWeeks],
    thresholds: config[HEALTH_ENV.thresholds],
  };
}
