import { InvalidInputError, NotFoundError } from '../../../shared/domain/common';
import { z } from 'zod';
import { httpHandler, json, pathParameter } from '../../../shared/adapters/http/http-api';
import { messagingStores } from '../../../shared/adapters/messaging/handler-wiring';

const MessageId = z.string().regex(/^msg_[A-Za-z0-9_-]{10,40}$/, 'messageId must look like msg_…');

/**
 * GET /v1/messages/{messageId}: every log entry of one message and, for SMS and push on the local
 * runtime, the rendered text that was "sent" (email is read from the SES emulator's store).
 */
export const handler = httpHandler(async (event) => {
  const messageId = MessageId.safeParse(pathParameter(event, 'messageId'));
  if (!messageId.success) throw new InvalidInputError(`messageId: ${messageId.error.issues[0]?.message ?? 'invalid'}`);
  const { messageLog } = messagingStores();
  const userId = await messageLog.userOf(messageId.data);
  if (userId === undefined) throw new NotFoundError('no such message');
  const [entries, outbox] = await Promise.all([messageLog.listForUser(userId, 200), messageLog.findOutbox(userId, messageId.data)]);
  return json(200, { messageId: messageId.data, userId, entries: entries.filter((entry) => entry.messageId === messageId.data), ...(outbox ? { rendered: outbox } : {}) });
});
