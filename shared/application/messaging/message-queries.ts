import type { MessageLogEntry, MessageQueries, OutboxMessage } from '../../domain/messaging';

/** The user's message log, newest first, with decisions and reasons. */
export function listUserMessages(userId: string, limit: number, ports: { messages: MessageQueries }): Promise<MessageLogEntry[]> {
  return ports.messages.listForUser(userId, limit);
}

export type MessageLookup = { kind: 'not-found' } | { kind: 'found'; messageId: string; userId: string; entries: MessageLogEntry[]; rendered?: OutboxMessage };

/**
 * Every log entry of one message and, for SMS and push on the local runtime, the rendered text
 * that was "sent" (email is read from the SES emulator's store).
 */
export async function getMessage(messageId: string, ports: { messages: MessageQueries }): Promise<MessageLookup> {
  const userId = await ports.messages.userOf(messageId);
  if (userId === undefined) return { kind: 'not-found' };
  const [entries, outbox] = await Promise.all([ports.messages.listForUser(userId, 200), ports.messages.findOutbox(userId, messageId)]);
  return { kind: 'found', messageId, userId, entries: entries.filter((entry) => entry.messageId === messageId), ...(outbox ? { rendered: outbox } : {}) };
}
