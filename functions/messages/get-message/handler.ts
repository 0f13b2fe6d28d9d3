import { InvalidInputError, NotFoundError } from '../../../shared/domain/common';
import { z } from 'zod';
import { httpHandler, json, pathParameter } from '../../../shared/adapters/http/http-api';
import { getMessage } from '../../../shared/application/messaging/message-queries';
import { composeMessaging } from '../../../shared/composition/messaging';

const MessageId = z.string().regex(/^msg_[A-Za-z0-9_-]{10,40}$/, 'messageId must look like msg_…');

/**
 * GET /v1/messages/{messageId}: every log entry of one message and, for SMS and push on the local
 * runtime, the rendered text that was "sent" (email is read from the SES emulator's store).
 */
export const handler = httpHandler(async (event) => {
  const messageId = MessageId.safeParse(pathParameter(event, 'messageId'));
  if (!messageId.success) throw new InvalidInputError(`messageId: ${messageId.error.issues[0]?.message ?? 'invalid'}`);
  const found = await getMessage(messageId.data, composeMessaging().records());
  if (found.kind === 'not-found') throw new NotFoundError('no such message');
  const { kind: _kind, ...body } = found;
  return json(200, body);
});
