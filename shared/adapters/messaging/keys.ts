import type { Channel } from '../../domain/messaging';

/**
 * Key layout of messaging items (see shared/adapters/dynamodb/keys.ts for the tables).
 *
 * Users table, under the user's own partition (pk USER#<userId>), so per-user traffic never
 * concentrates on one partition:
 *   sk SEND#<messageId>                          reservation of one idempotency key (the message id
 *                                                is a hash of the key, so the sort key stays short)
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
};
