import { z } from 'zod';

/** Why a message was not sent. Every skip is logged with its reason. */
export const SkipReason = z.enum([
  'kill-switch',
  'no-consent',
  'suppressed',
  'unsubscribed',
  'quiet-hours',
  'budget',
  'no-contact-point',
  'duplicate',
  'sunset',
  'global-control',
]);
export type SkipReason = z.infer<typeof SkipReason>;

/** Failures a later retry may cure. */
export const RetryableFailureCode = z.enum(['throttled', 'provider-error', 'in-flight']);
export type RetryableFailureCode = z.infer<typeof RetryableFailureCode>;

/**
 * Failures a retry cannot cure. `delivery-in-doubt`: an earlier attempt crashed while the provider
 * was being called, so resending could duplicate; the reconciliation sweep settles it.
 */
export const PermanentFailureCode = z.enum(['provider-rejected', 'unknown-user', 'unknown-template', 'template-error', 'delivery-in-doubt']);
export type PermanentFailureCode = z.infer<typeof PermanentFailureCode>;

/**
 * The typed result of one send request. JSON-safe (instants as ISO strings) because it crosses
 * Step Functions. `messageId` is derived from the idempotency key, so every attempt of one logical
 * message shares it.
 */
export const SendOutcome = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('sent'), messageId: z.string(), providerMessageId: z.string() }),
  z.object({ kind: z.literal('deferred'), messageId: z.string(), until: z.iso.datetime(), reason: z.literal('quiet-hours') }),
  z.object({ kind: z.literal('skipped'), messageId: z.string(), reason: SkipReason, detail: z.string() }),
  z.object({
    kind: z.literal('failed-retryable'),
    messageId: z.string(),
    code: RetryableFailureCode,
    detail: z.string(),
    retryAfterMs: z.number().int().nonnegative(),
  }),
  z.object({ kind: z.literal('failed-permanent'), messageId: z.string(), code: PermanentFailureCode, detail: z.string() }),
]);
export type SendOutcome = z.infer<typeof SendOutcome>;
