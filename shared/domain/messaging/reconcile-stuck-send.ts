import { assertNever, InternalError } from '../common';
import type { Channel } from './channel';
import type { ContactPolicyConfig } from './contact-policy-config';
import type { ContactRecord } from './contact-record';
import type { ContactHistory, SendReservations } from './ports';
import { classifyReservation, settleInDoubtReservation, type ProviderEvidence, type ReservationState } from './reservation';

export type SendingState = Extract<ReservationState, { status: 'sending' }>;

/** A reservation found in `sending` past the timeout, its state read consistently from the store. */
export interface StuckSend {
  userId: string;
  idempotencyKey: string;
  messageId: string;
  state: SendingState;
}

/**
 * What the provider's own records say about one message, looked up by Rekindle's message id.
 * `no-source`: that channel's provider publishes nothing readable by our id (SNS SMS and push in
 * AWS take no tags back), so neither "it left" nor "it did not" can be proven.
 */
export type ProviderRecord = { kind: 'found'; providerMessageId: string; at: string } | { kind: 'not-found' } | { kind: 'no-source' };

/** Reservations stuck in `sending`: found without a Scan (an index adapter), re-read consistently. */
export interface StuckSends {
  /** Reservations in `sending` since `cutoff` or earlier, up to the adapter's per-run bound. */
  listSendingSince(cutoff: Date): Promise<readonly StuckSend[]>;
}

/** Where the sweep asks whether a provider took a message. */
export interface ProviderRecords {
  lookup(message: { userId: string; messageId: string; channel: Channel | undefined }): Promise<ProviderRecord>;
}

/** Every effect of the reconciliation sweep. It has no sender: the sweep never sends. */
export interface ReconcilePorts {
  stuckSends: StuckSends;
  providerRecords: ProviderRecords;
  /** The same conditional store the send path uses, for one user's keys. */
  reservationsOf(userId: string): SendReservations;
  contactHistory: Pick<ContactHistory, 'append'>;
}

/** What the sweep does with one stuck send. */
export type Reconciliation =
  | { kind: 'settle'; next: ReservationState; evidence: ProviderEvidence; contact?: ContactRecord }
  | { kind: 'wait'; until: string; reason: 'not-in-doubt-yet' | 'evidence-may-be-late' }
  | { kind: 'leave-in-doubt'; reason: string };

/**
 * Decides one stuck send from the provider's record:
 * - the provider has a record (any event for the message) → `sent`, and the contact counts in the
 *   user's history, since the message did leave;
 * - no record yet, but the provider's events may still be on their way (before
 *   `providerEvidenceHorizonSeconds` from the start of the call) → wait for a later sweep;
 * - no record after the horizon → `released`: the provider never took it, the caller's next retry
 *   sends it;
 * - no source of evidence for the channel → left in doubt and reported: guessing either way could
 *   lose or duplicate a message.
 */
export function reconcileStuckSend(send: StuckSend, record: ProviderRecord, now: Date, config: ContactPolicyConfig['reservation']): Reconciliation {
  const since = Date.parse(send.state.sendingSince);
  if (classifyReservation(send.state, now, config).kind !== 'in-doubt') {
    return { kind: 'wait', until: new Date(since + config.sendingTimeoutSeconds * 1000).toISOString(), reason: 'not-in-doubt-yet' };
  }
  switch (record.kind) {
    case 'found': {
      const evidence: ProviderEvidence = { kind: 'provider-accepted', providerMessageId: record.providerMessageId, at: record.at };
      const { contact } = send.state;
      return {
        kind: 'settle',
        next: settled(send.state, evidence, now, config),
        evidence,
        ...(contact === undefined ? {} : { contact: { messageId: send.messageId, at: record.at, ...contact } }),
      };
    }
    case 'not-found': {
      const horizon = since + config.providerEvidenceHorizonSeconds * 1000;
      if (now.getTime() < horizon) return { kind: 'wait', until: new Date(horizon).toISOString(), reason: 'evidence-may-be-late' };
      const evidence: ProviderEvidence = { kind: 'no-provider-record', checkedAt: now.toISOString() };
      return { kind: 'settle', next: settled(send.state, evidence, now, config), evidence };
    }
    case 'no-source':
      return { kind: 'leave-in-doubt', reason: `no provider evidence can be read for channel ${send.state.contact?.channel ?? '(not recorded)'}` };
    default:
      return assertNever(record);
  }
}

function settled(state: SendingState, evidence: ProviderEvidence, now: Date, config: ContactPolicyConfig['reservation']): ReservationState {
  const next = settleInDoubtReservation(state, evidence, now, config);
  // Unreachable: the caller checked that the state is an in-doubt `sending` one.
  if (next === undefined) throw new InternalError('settleInDoubtReservation refused an in-doubt sending state');
  return next;
}

/** What one sweep did. Message ids are hashes of idempotency keys: no personal data. */
export interface ReconcileReport {
  examined: number;
  markedSent: number;
  released: number;
  /** Not concluded yet: the provider's events may still arrive. */
  waiting: number;
  /** Left in doubt for an operator: no evidence source for their channel. */
  leftInDoubt: string[];
  /** Another writer settled the key first (an overlapping sweep): nothing to do. */
  conflicts: number;
  failed: number;
}
