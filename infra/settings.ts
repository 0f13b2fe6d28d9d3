import { DEFAULT_HEALTH_THRESHOLDS, HealthThresholds } from '../shared/domain/health';
import { z } from 'zod';
import { INGEST_DEFAULTS } from '../shared/config/tables';
import { DEFAULT_INCENTIVE_RULES, IncentiveRules } from '../shared/domain/loyalty/incentives';
import { DEFAULT_PROGRAMS, ProgramCatalogue } from '../shared/domain/loyalty/checkin-program';
import { GrowthConfig } from '../shared/domain/loyalty/growth';
import { BehaviourEvent } from '../shared/domain/events/behaviour-event';
import { MESSAGING_DEFAULTS } from '../shared/adapters/messaging/config';
import { parseContactPolicyConfig } from '../shared/domain/messaging/contact-policy-config';

const behaviourEventTypes = new Set<string>(BehaviourEvent.options.map((option) => option.shape.type.value));

/**
 * Incentive rules from context: an array in `cdk.json`, or its JSON text with `-c`. Each rule's
 * event type must be one ingest accepts, or the rule could never be met.
 */
const IncentiveRulesSetting = z
  .preprocess((value) => {
    if (typeof value !== 'string') return value;
    try {
      return JSON.parse(value) as unknown;
    } catch {
      return value;
    }
  }, IncentiveRules)
  .refine((rules) => rules.every((rule) => behaviourEventTypes.has(rule.eventType)), {
    message: `every rule's eventType must be one of ${[...behaviourEventTypes].join(', ')}`,
  });

/** A setting given as a value in `cdk.json`, or as its JSON text with `-c`. */
function jsonOrValue<T extends z.ZodType>(schema: T) {
  return z.preprocess((value) => {
    if (typeof value !== 'string') return value;
    try {
      return JSON.parse(value) as unknown;
    } catch {
      return value;
    }
  }, schema);
}

/** Messaging settings from CDK context `rekindle.messaging` (infra/features/messaging.ts). */
export const MessagingSettings = z
  .object({
    fromAddress: z.string().min(3).default(MESSAGING_DEFAULTS.fromAddress),
    /** A custom domain for unsubscribe links; the API's own endpoint otherwise. */
    unsubscribeBaseUrl: z.url().optional(),
    /** The contact policy (see shared/domain/messaging/contact-policy-config.ts); {} is the documented default. */
    contactPolicy: z
      .record(z.string(), z.unknown())
      .default({})
      .superRefine((policy, context) => {
        // Checked at synth, with the same parser the functions use at cold start.
        try {
          parseContactPolicyConfig(policy);
        } catch (error) {
          context.addIssue({ code: 'custom', message: error instanceof Error ? error.message : String(error) });
        }
      }),
    messageLogRetentionDays: z.coerce.number().int().positive().default(MESSAGING_DEFAULTS.messageLogRetentionDays),
  })
  .prefault({});

/** Deployment settings, read once from CDK context (`cdk.json` or `-c key=value`). */
export const RekindleSettings = z.object({
  eventMaxAgeDays: z.coerce.number().int().positive().default(INGEST_DEFAULTS.eventMaxAgeDays),
  rawEventRetentionDays: z.coerce.number().int().positive().default(INGEST_DEFAULTS.rawEventRetentionDays),
  aggregateRetentionDays: z.coerce.number().int().positive().default(INGEST_DEFAULTS.aggregateRetentionDays),
  apiRateLimit: z.coerce.number().int().positive().default(10_000),
  apiBurstLimit: z.coerce.number().int().positive().default(5_000),
  // Nightly scoring (infra/features/scoring.ts).
  scoringSchedule: z
    .string()
    .regex(/^cron\(.+\)$/, 'must be an EventBridge Scheduler cron(...) expression')
    .default('cron(0 2 * * ? *)'),
  scoringTimezone: z.string().min(1).default('Asia/Shanghai'),
  scoringSegments: z.coerce.number().int().positive().max(1000).default(8),
  scoringMaxConcurrency: z.coerce.number().int().positive().max(40).default(8),
  scoringRefitEveryDays: z.coerce.number().int().positive().default(7),
  scoringSampleUsers: z.coerce.number().int().positive().default(5_000),
  scoringCoreFeatures: z.string().min(1).default('playlist,upload,share'),
  // Product health (infra/features/health.ts): computed daily after the nightly scan, in the reporting zone.
  healthSchedule: z
    .string()
    .regex(/^cron\(.+\)$/, 'must be an EventBridge Scheduler cron(...) expression')
    .default('cron(0 4 * * ? *)'),
  healthTimezone: z.string().min(1).default('Asia/Shanghai'),
  healthBenchmarks: z.record(z.string(), z.number().min(0).max(1)).default({ playlist: 0.3, upload: 0.1, share: 0.15 }),
  healthCohortWeeks: z.coerce.number().int().positive().max(26).default(8),
  healthThresholds: HealthThresholds.default(DEFAULT_HEALTH_THRESHOLDS),
  // Experiments (infra/features/experiments.ts): members one rollout-evaluation task reads (a queue task twice as many).
  experimentsPageSize: z.coerce.number().int().positive().max(5_000).default(1_000),
  // Key-behaviour incentives (infra/features/loyalty.ts), e.g. -c 'rekindle={"incentiveRules":[...]}'.
  incentiveRules: IncentiveRulesSetting.default(DEFAULT_INCENTIVE_RULES),
  // Loyalty programs as data (infra/features/loyalty.ts): the 21-day check-in and the 7-day onboarding by default.
  loyaltyPrograms: jsonOrValue(ProgramCatalogue).default([...DEFAULT_PROGRAMS]),
  // The growth ladder (names per locale, thresholds, perks) and the level-up message's priority.
  growthLadder: jsonOrValue(GrowthConfig).default(GrowthConfig.parse({})),
  // Messaging and contact policy, e.g. -c 'rekindle={"messaging":{"fromAddress":"…"}}'.
  messaging: MessagingSettings,
});
export type RekindleSettings = z.infer<typeof RekindleSettings>;

export const SETTINGS_CONTEXT_KEY = 'rekindle';
