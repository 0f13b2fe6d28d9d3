import { z } from 'zod';
import { INGEST_DEFAULTS } from '../shared/config/tables';

/** Deployment settings, read once from CDK context (`cdk.json` or `-c key=value`). */
export const RekindleSettings = z.object({
  eventMaxAgeDays: z.coerce.number().int().positive().default(INGEST_DEFAULTS.eventMaxAgeDays),
  rawEventRetentionDays: z.coerce.number().int().positive().default(INGEST_DEFAULTS.rawEventRetentionDays),
  aggregateRetentionDays: z.coerce.number().int().positive().default(INGEST_DEFAULTS.aggregateRetentionDays),
  apiRateLimit: z.coerce.number().int().positive().default(10_000),
  apiBurstLimit: z.coerce.number().int().positive().default(5_000),
});
export type RekindleSettings = z.infer<typeof RekindleSettings>;

export const SETTINGS_CONTEXT_KEY = 'rekindle';
