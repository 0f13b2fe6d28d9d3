import { createHash } from 'node:crypto';
import type { Channel } from '../../domain/messaging';

/**
 * Key layout of messaging items (see shared/adapters/dynamodb/keys.ts for the tables).
 *
 * Users table, under the user's own partition (pk USER#<userId>), so per-user traffic never
 * concentrates on one partition:
 *   sk SEND#<messageId>                          reservation of one idempotency key (the message id
 *                                                is a hash of the key, so the sort key stays short);
 *                                                while `sending` it also carries sendingShard
 *   sk LOG#<recordedAt>#<messageId>#<seq>        message log: one entry per send call, newest last
 *   sk CONTACT#<at>#<messageId>                  contact history for the disturbance index (TTL)
 *   sk OUTBOX#<messageId>                        rendered SMS / push body, local runtime only
 *   sk SUPPRESSION#<kind>[#<channel>]            complaint, unsubscribe, sunset of this user
 *
 * Operations table (system-wide):
 *   pk KILLSWITCH                sk STATE        the one kill switch, read by every send
 *   pk SUPPRESSION#<fingerprint> sk HARD_BOUNCE  an address that bounced; the fingerprint is a hash
 *                                                of channel and address: high cardinality, no hot key,
 *                                                and no address in clear
 *   pk MESSAGE#<messageId>       sk POINTER      which user a message belongs to (mail show ID)
 *   pk MESSAGE#<messageId>       sk PROVIDER_RECEIPT  the provider published an event for the message
 *                                                (SES configuration-set events): the evidence the
 *                                                reconciliation sweep settles an in-doubt send from
 *
 * Users table index SendingIndex (sparse, keys only): sendingShard SENDING#<nn>, sendingSince ISO
 * instant. Only reservations in `sending` carry sendingShard; every other state's write replaces
 * the item without it, so the index holds exactly the keys inside a provider call, and the sweep
 * reads the ones past the timeout by shard, never with a Scan.
 */
export const messagingKeys = {
  reservationSk: (messageId: string) => `SEND#${messageId}`,
  logSk: (recordedAt: string, messageId: string, seq: string) => `LOG#${recordedAt}#${messageId}#${seq}`,
  logPrefix: 'LOG#',
  contactSk: (at: string, messageId: string) => `CONTACT#${at}#${messageId}`,
  contactPrefix: 'CONTACT#',
  outboxSk: (messageId: string) => `OUTBOX#${messageId}`,
  userSuppressionSk: (kind: 'complaint' | 'sunset' | 'unsubscribe', channel?: Channel) => (channel ? `SUPPRESSION#${kind}#${channel}` : `SUPPRESSION#${kind}`),
  userSuppressionPrefix: 'SUPPRESSION#',
  killSwitchKey: { pk: 'KILLSWITCH', sk: 'STATE' },
  bounceKey: (fingerprint: string) => ({ pk: `SUPPRESSION#${fingerprint}`, sk: 'HARD_BOUNCE' }),
  messagePointerKey: (messageId: string) => ({ pk: `MESSAGE#${messageId}`, sk: 'POINTER' }),
  providerReceiptKey: (messageId: string) => ({ pk: `MESSAGE#${messageId}`, sk: 'PROVIDER_RECEIPT' }),
  sendingShard: (shard: number) => `SENDING#${String(shard).padStart(2, '0')}`,
};

/** Name of the sparse index of reservations in `sending` on the users table (declared in the stateful stack). */
export const SENDING_INDEX_NAME = 'SendingIndex';

/**
 * Part of the key layout (changing it strands items under old shards), so a constant. 16 shards
 * keep each index partition far under 1,000 writes/s at any send rate SES allows an account, and
 * let the sweep query them in parallel.
 */
export const SENDING_SHARDS = 16;

/** The stable shard of a message: the same message always lands on the same one. */
export function sendingShardOf(messageId: string): number {
  return createHash('sha256').update(messageId, 'utf8').digest().readUInt32BE(0) % SENDING_SHARDS;
}
