import { z } from 'zod';
import { assertNever } from '../common';
import type { SendOutcome } from '../messaging';
import { JourneyExitReason } from './journey-plan';

/** What one send of one step came to, per channel (the send path's outcome kind and reason). */
export const ChannelOutcome = z.object({
  kind: z.enum(['sent', 'deferred', 'skipped', 'failed-retryable', 'failed-permanent']),
  reason: z.string().optional(),
  messageId: z.string().optional(),
});
export type ChannelOutcome = z.infer<typeof ChannelOutcome>;

/**
 * What an escalation step did: a sunset suppression written (or found already there), the user
 * handed over to the standing journey of a later tier, or nothing handed over because none runs.
 */
export const EscalationOutcome = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('sunset'), suppression: z.enum(['added', 'already-there']) }),
  z.object({
    kind: z.literal('handed-over'),
    toTier: z.string(),
    journeyId: z.string(),
    holdout: z.boolean(),
    /** True when the user already was a member, enrolled by something else: their enrollment was kept. Absent on older records. */
    alreadyEnrolled: z.boolean().optional(),
    /** When the membership began: the hand-over's time, or the earlier enrollment's. Absent on older records. */
    enrolledAt: z.iso.datetime().optional(),
  }),
  z.object({ kind: z.literal('nothing-handed-over'), toTier: z.string(), reason: z.literal('no-running-journey') }),
]);
export type EscalationOutcome = z.infer<typeof EscalationOutcome>;

/** Which entry of the user a record belongs to: absent for the first (and on records older than re-entry). */
const entryField = { entry: z.number().int().min(2).optional() };

export const StepRecord = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('send'),
    ...entryField,
    stepIndex: z.number().int(),
    templateId: z.string(),
    /** The experiment variant sent, when the step has variants. */
    variantId: z.string().optional(),
    at: z.iso.datetime(),
    channels: z.record(z.string(), ChannelOutcome),
  }),
  z.object({
    kind: z.literal('escalate'),
    ...entryField,
    stepIndex: z.number().int(),
    at: z.iso.datetime(),
    escalation: z.string(),
    /** What the escalation did; absent on records written before escalations acted. */
    outcome: EscalationOutcome.optional(),
  }),
  z.object({
    kind: z.literal('branch'),
    ...entryField,
    stepIndex: z.number().int(),
    at: z.iso.datetime(),
    /** The condition's kind and the side the Choice state takes (the same rules, see `sideTaken`). */
    condition: z.string(),
    side: z.enum(['then', 'else']),
  }),
]);
export type StepRecord = z.infer<typeof StepRecord>;

export const ExitRecord = z.object({ reason: JourneyExitReason, at: z.iso.datetime(), stepIndex: z.number().int(), ...entryField });
export type ExitRecord = z.infer<typeof ExitRecord>;

/** Everything recorded for one user in one journey. */
export interface UserJourneyRecords {
  /** Every entry's step records (each says its entry). */
  steps: StepRecord[];
  /** The latest entry's early exit. */
  exit?: ExitRecord;
  /** Every entry's early exit, when the user entered more than once. */
  exits?: ExitRecord[];
  failure?: { error: string; cause: string };
}

/**
 * How a send outcome is recorded for its channel. A retried or resumed step meets its own earlier
 * send (`skipped: duplicate`): the record keeps saying it was sent.
 */
export function channelOutcomeOf(outcome: SendOutcome): ChannelOutcome {
  switch (outcome.kind) {
    case 'sent':
      return { kind: 'sent', messageId: outcome.messageId };
    case 'deferred':
      return { kind: 'deferred', reason: outcome.reason, messageId: outcome.messageId };
    case 'skipped':
      if (outcome.reason === 'duplicate') return { kind: 'sent', reason: 'duplicate', messageId: outcome.messageId };
      return { kind: 'skipped', reason: outcome.reason, messageId: outcome.messageId };
    case 'failed-retryable':
      return { kind: 'failed-retryable', reason: outcome.code, messageId: outcome.messageId };
    case 'failed-permanent':
      return { kind: 'failed-permanent', reason: outcome.code, messageId: outcome.messageId };
    default:
      return assertNever(outcome);
  }
}
