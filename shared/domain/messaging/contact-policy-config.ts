import { z } from 'zod';
import { Locale } from '../common';
import { DEFAULT_GLOBAL_CONTROL } from '../experiments/assignment';
import { ContactPolicyConfigError } from './errors';
import { isKnownTimeZone } from './local-time';

/** A wall-clock time of day, `HH:MM` on a 24-hour clock. */
export const LocalTimeOfDay = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected HH:MM (00:00-23:59)');
export type LocalTimeOfDay = z.infer<typeof LocalTimeOfDay>;

const ChannelNumbers = (email: number, sms: number, push: number) =>
  z
    .object({
      email: z.number().positive().default(email),
      sms: z.number().positive().default(sms),
      push: z.number().positive().default(push),
    })
    .prefault({});

const ContactBudget = (maxIndex: number, maxPerDay: number, maxPerWeek: number) =>
  z
    .object({
      /** Ceiling of the decayed disturbance index after the candidate message is counted. */
      maxIndex: z.number().positive().default(maxIndex),
      /** Hard cap of non-core contacts in any rolling 24 hours, the candidate included. */
      maxPerDay: z.number().int().positive().default(maxPerDay),
      /** Hard cap of non-core contacts in any rolling 7 days, the candidate included. */
      maxPerWeek: z.number().int().positive().default(maxPerWeek),
    })
    .prefault({});

/**
 * The whole contact policy, validated once at start-up; every field has a documented default, so
 * `parseContactPolicyConfig({})` is the default policy.
 *
 * Defaults:
 * - quiet hours 21:00–09:00 in the user's own timezone; `UTC` for a user without a valid zone;
 * - disturbance index: each contact weighs email 1, sms 2 (intrusive, costs money), push 0.5,
 *   core messages count half, and a contact's weight halves every 48 hours;
 * - budget: at most 1 marketing contact a rolling day and 3 a rolling week, index ≤ 2.5;
 *   high-value users (top value decile, or flagged by scoring): 1 a day, 2 a week, index ≤ 2;
 * - reservation lease 60 s (a crashed attempt is taken over after it), an attempt stuck in the
 *   provider call for 300 s is declared in doubt, and the reconciliation sweep concludes that the
 *   provider never took an in-doubt message only when it has no event for it 3600 s after the call
 *   began (longer than SES takes to publish an event and than any Lambda can still be running);
 * - send rates (token buckets, per process): email 14/s (the SES sandbox-exit default), sms 20/s,
 *   push 100/s, burst equal to one second of rate;
 * - on throttling: up to 4 attempts, full-jitter exponential backoff from 200 ms capped at 5 s;
 * - unsubscribe links valid for 90 days; locale `en` when the profile has none;
 * - a global control group of 5% of users (stable hash with its own salt) gets no marketing.
 */
export const ContactPolicyConfig = z.object({
  quietHours: z
    .object({
      enabled: z.boolean().default(true),
      start: LocalTimeOfDay.default('21:00'),
      end: LocalTimeOfDay.default('09:00'),
    })
    .prefault({})
    .refine((quiet) => !quiet.enabled || quiet.start !== quiet.end, {
      message: 'quiet hours start and end must differ (disable them with enabled: false)',
    }),
  fallbackTimeZone: z.string().refine(isKnownTimeZone, 'unknown IANA timezone').default('UTC'),
  fallbackLocale: Locale.default('en'),
  disturbance: z
    .object({
      halfLifeHours: z.number().positive().default(48),
      channelWeights: ChannelNumbers(1, 2, 0.5),
      /** Core messages disturb too, but the user asked for them: they count at this fraction. */
      coreContactFactor: z.number().min(0).max(1).default(0.5),
      standard: ContactBudget(2.5, 1, 3),
      highValue: ContactBudget(2, 1, 2),
      /** Users in this value decile or above get the `highValue` budget. */
      highValueDecileFrom: z.number().int().min(1).max(10).default(10),
    })
    .prefault({}),
  reservation: z
    .object({
      leaseSeconds: z.number().int().positive().default(60),
      sendingTimeoutSeconds: z.number().int().positive().default(300),
      /**
       * From the start of the provider call: until then a missing provider event may only be late,
       * so the sweep waits; after it, no event means the provider never took the message.
       */
      providerEvidenceHorizonSeconds: z.number().int().positive().default(3600),
    })
    .prefault({})
    .refine((r) => r.sendingTimeoutSeconds >= r.leaseSeconds, {
      message: 'sendingTimeoutSeconds must be at least leaseSeconds',
    })
    .refine((r) => r.providerEvidenceHorizonSeconds >= r.sendingTimeoutSeconds, {
      message: 'providerEvidenceHorizonSeconds must be at least sendingTimeoutSeconds',
    }),
  sendRatesPerSecond: ChannelNumbers(14, 20, 100),
  throttleRetry: z
    .object({
      maxAttempts: z.number().int().min(1).default(4),
      baseDelayMs: z.number().int().positive().default(200),
      maxDelayMs: z.number().int().positive().default(5_000),
    })
    .prefault({}),
  unsubscribeTokenTtlDays: z.number().int().positive().default(90),
  /** Users who get no marketing at all, from any journey, so the whole program's lift can be measured (shared/domain/experiments). */
  globalControl: z
    .object({
      share: z.number().min(0).max(0.5).default(DEFAULT_GLOBAL_CONTROL.share),
      salt: z.string().min(1).default(DEFAULT_GLOBAL_CONTROL.salt),
    })
    .prefault({}),
});
export type ContactPolicyConfig = z.infer<typeof ContactPolicyConfig>;

/**
 * Validates the policy once; a bad value throws {@link ContactPolicyConfigError} naming each field,
 * never a silent default for a value that was given wrong.
 */
export function parseContactPolicyConfig(input: unknown): ContactPolicyConfig {
  const parsed = ContactPolicyConfig.safeParse(input);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw new ContactPolicyConfigError(issues, { cause: parsed.error });
  }
  return parsed.data;
}

/** The documented defaults. */
export const defaultContactPolicyConfig: ContactPolicyConfig = parseContactPolicyConfig({});
