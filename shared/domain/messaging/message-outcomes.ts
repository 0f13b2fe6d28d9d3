/**
 * The message facts product health's rates are made of: a message sent, a complaint, a (permanent)
 * bounce, a one-click unsubscribe. Each fact has an id derived from what it is about (the message,
 * the user and channel), so a redelivered SES event or a retried request counts once, and the
 * instant it happened, which places it in the reporting day.
 */
export type MessageOutcomeKind = 'sent' | 'complaint' | 'bounce' | 'unsubscribe';

export interface MessageOutcomeFact {
  kind: MessageOutcomeKind;
  /** Stable per fact: a second report of the same fact carries the same id. */
  factId: string;
  /** ISO instant the fact happened at. */
  at: string;
}

/** Counts message facts once each; `already-counted` for a fact id seen before. */
export interface MessageOutcomeRecorder {
  count(fact: MessageOutcomeFact): Promise<'counted' | 'already-counted'>;
}

/** The fact ids: one per message for sends, bounces and complaints; one per user and channel for unsubscribes. */
export const messageFactId = {
  sent: (messageId: string) => `sent#${messageId}`,
  bounce: (providerMessageId: string) => `bounce#${providerMessageId}`,
  complaint: (providerMessageId: string) => `complaint#${providerMessageId}`,
  unsubscribe: (userId: string, channel: string) => `unsubscribe#${userId}#${channel}`,
};
