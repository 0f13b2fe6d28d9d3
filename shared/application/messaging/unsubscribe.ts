import { createHash } from 'node:crypto';
import type { Clock } from '../../domain/common';
import type { RawEventStore } from '../../domain/events/ports';
import {
  messageFactId,
  verifyUnsubscribeToken,
  type Channel,
  type MessageOutcomeRecorder,
  type SuppressionWriter,
  type UnsubscribeKeyring,
} from '../../domain/messaging';

/** Why a presented token unsubscribes nobody. */
export type TokenRefusal = 'malformed' | 'unknown-key' | 'bad-signature' | 'expired';

export type UnsubscribeOutcome =
  { kind: 'unsubscribed'; userId: string; channel: Channel; alreadyUnsubscribed: boolean } | { kind: 'refused'; reason: TokenRefusal };

export type UnsubscribePreview = { kind: 'valid'; channel: Channel } | { kind: 'refused'; reason: TokenRefusal };

export interface UnsubscribePorts {
  keyring: UnsubscribeKeyring;
  suppressions: SuppressionWriter;
  rawEvents: Pick<RawEventStore, 'putAll'>;
  /** Product health's unsubscribe counter. */
  outcomes: MessageOutcomeRecorder;
  clock: Clock;
}

/** Checks a token without acting on it: what the confirmation page (GET) shows. */
export function previewUnsubscribe(token: string, keyring: UnsubscribeKeyring, clock: Clock): UnsubscribePreview {
  const verified = verifyUnsubscribeToken(token, keyring, clock.now());
  return verified.kind === 'valid' ? { kind: 'valid', channel: verified.channel } : { kind: 'refused', reason: verified.kind };
}

/**
 * The one-click unsubscribe (RFC 8058 POST): a valid token adds an `unsubscribe` suppression for
 * its user and channel and records an `unsubscribe` behaviour event, so scoring sees it. Repeating
 * it is harmless: the suppression keeps its first time and the event id is derived from the claim.
 * A new unsubscribe is also counted for product health's unsubscribe rate, once per user and channel.
 */
export async function unsubscribeWithToken(token: string, deps: UnsubscribePorts): Promise<UnsubscribeOutcome> {
  const now = deps.clock.now();
  const verified = verifyUnsubscribeToken(token, deps.keyring, now);
  if (verified.kind !== 'valid') return { kind: 'refused', reason: verified.kind };
  const { userId, channel } = verified;
  const added = await deps.suppressions.add({ kind: 'unsubscribe', userId, channel, at: now.toISOString() });
  if (added) {
    const eventId = `unsub-${createHash('sha256').update(`${userId}\u0000${channel}`).digest('hex').slice(0, 32)}`;
    await deps.rawEvents.putAll([{ eventId, userId, type: 'unsubscribe', channel, timestamp: now.toISOString() }]);
    await deps.outcomes.count({ kind: 'unsubscribe', factId: messageFactId.unsubscribe(userId, channel), at: now.toISOString() });
  }
  return { kind: 'unsubscribed', userId, channel, alreadyUnsubscribed: !added };
}
