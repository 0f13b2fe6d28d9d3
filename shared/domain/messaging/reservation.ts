import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { ContactPolicyConfig } from './contact-policy-config';
import { assertNever } from '../common';
import { ContactRecord } from './contact-record';

/**
 * What the reconciliation sweep needs of a message caught in the provider call: the channel tells
 * it where the provider's evidence is, and the contact is counted in the user's history if the
 * message did leave. Optional only because reservations written before the sweep existed lack it.
 */
export const SendingContact = ContactRecord.pick({ channel: true, priority: true, touchId: true });
export type SendingContact = z.infer<typeof SendingContact>;

/**
 * The life of one idempotency key, stored with conditional writes (DynamoDB: a condition on
 * `status` and `attemptId`; in tests: a compare-and-set in memory).
 *
 * ```
 * (none) ──reserve──▶ reserved ──▶ sending ──▶ sent
 *    ▲                   │            ├──▶ failed   (provider refused for good)
 *    └── reserve again ◀─┴── lease    └──▶ released (provider provably did not take it:
 *        (after expiry)      expired                 throttled or a retryable error)
 * ```
 *
 * Why two states before `sent`: a crash after `reserve` but before `sending` is written provably
 * never reached the provider, so once the lease expires a retry takes the key over and sends: no
 * loss, no duplicate. `sending` is written immediately before the provider call; a crash after
 * it is the one ambiguous window (SES v2 SendEmail and SNS Publish take no idempotency key, so the
 * provider cannot deduplicate for us). We choose at-most-once there: a key left in `sending` past
 * `sendingTimeoutSeconds` is reported `delivery-in-doubt` and never resent blindly; the
 * reconciliation sweep settles it from the provider's own events, which carry the message id as
 * a tag (SES configuration-set events), and marks it `sent` or `released`.
 */
export const ReservationState = z.discriminatedUnion('status', [
  z.object({ status: z.literal('reserved'), attemptId: z.string(), reservedAt: z.iso.datetime(), leaseExpiresAt: z.iso.datetime() }),
  z.object({ status: z.literal('sending'), attemptId: z.string(), sendingSince: z.iso.datetime(), contact: SendingContact.optional() }),
  z.object({ status: z.literal('sent'), attemptId: z.string(), providerMessageId: z.string(), sentAt: z.iso.datetime() }),
  z.object({ status: z.literal('failed'), attemptId: z.string(), detail: z.string(), failedAt: z.iso.datetime() }),
  z.object({ status: z.literal('released'), attemptId: z.string(), detail: z.string(), releasedAt: z.iso.datetime() }),
]);
export type ReservationState = z.infer<typeof ReservationState>;
export type ReservationStatus = ReservationState['status'];

/**
 * Whether a new attempt may take the key. The reservation port's conditional write must grant a
 * reservation exactly when this holds for the stored state (or there is none), atomically.
 */
export function isReservable(existing: ReservationState | undefined, now: Date): boolean {
  if (existing === undefined) return true;
  switch (existing.status) {
    case 'released':
      return true;
    case 'reserved':
      return Date.parse(existing.leaseExpiresAt) <= now.getTime();
    case 'sending':
    case 'sent':
    case 'failed':
      return false;
    default:
      return assertNever(existing);
  }
}

/** What a key that cannot be reserved means for the attempt that found it. */
export type ReservationStanding =
  | { kind: 'free' }
  | { kind: 'already-sent'; providerMessageId: string; sentAt: string }
  | { kind: 'already-failed'; detail: string }
  | { kind: 'in-flight'; retryAfterMs: number }
  | { kind: 'in-doubt'; sendingSince: string };

/** Reads a stored reservation the way a retry must treat it. */
export function classifyReservation(existing: ReservationState | undefined, now: Date, config: ContactPolicyConfig['reservation']): ReservationStanding {
  if (existing === undefined || isReservable(existing, now)) return { kind: 'free' };
  switch (existing.status) {
    case 'reserved':
      return { kind: 'in-flight', retryAfterMs: Math.max(0, Date.parse(existing.leaseExpiresAt) - now.getTime()) };
    case 'sending': {
      const deadline = Date.parse(existing.sendingSince) + config.sendingTimeoutSeconds * 1000;
      return deadline > now.getTime()
        ? { kind: 'in-flight', retryAfterMs: deadline - now.getTime() }
        : { kind: 'in-doubt', sendingSince: existing.sendingSince };
    }
    case 'sent':
      return { kind: 'already-sent', providerMessageId: existing.providerMessageId, sentAt: existing.sentAt };
    case 'failed':
      return { kind: 'already-failed', detail: existing.detail };
    case 'released':
      return { kind: 'free' };
    default:
      return assertNever(existing);
  }
}

/**
 * Rekindle's id of a logical message, the same for every attempt of one idempotency key, so the
 * log, the provider tags and the outcome all name one message.
 */
export function messageIdFor(idempotencyKey: string): string {
  return `msg_${createHash('sha256').update(idempotencyKey).digest('base64url').slice(0, 26)}`;
}

/**
 * What the reconciliation sweep learned from the provider about a message left in `sending`:
 * SES publishes a `Send` event (with our `messageId` tag) for every message it accepted.
 * `no-provider-record` may only be concluded after the provider's event delivery horizon
 * (`providerEvidenceHorizonSeconds`; see `reconcileStuckSend` in reconcile-in-doubt.ts).
 */
export type ProviderEvidence = { kind: 'provider-accepted'; providerMessageId: string; at: string } | { kind: 'no-provider-record'; checkedAt: string };

/**
 * The state the sweep writes (conditionally, expecting `sending` and the same attempt id) for an
 * in-doubt reservation: `sent` when the provider took the message, `released` when it provably did
 * not, so the journey's next retry sends it. Anything but an in-doubt `sending` state is left as is.
 */
export function settleInDoubtReservation(
  state: ReservationState,
  evidence: ProviderEvidence,
  now: Date,
  config: ContactPolicyConfig['reservation'],
): ReservationState | undefined {
  if (state.status !== 'sending') return undefined;
  if (classifyReservation(state, now, config).kind !== 'in-doubt') return undefined;
  switch (evidence.kind) {
    case 'provider-accepted':
      return { status: 'sent', attemptId: state.attemptId, providerMessageId: evidence.providerMessageId, sentAt: evidence.at };
    case 'no-provider-record':
      return { status: 'released', attemptId: state.attemptId, detail: 'reconciled: provider has no record of the message', releasedAt: evidence.checkedAt };
    default:
      return assertNever(evidence);
  }
}
