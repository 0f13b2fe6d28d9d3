import { InvalidInputError } from '../../../shared/domain/common';
import { z } from 'zod';
import { UserId } from '../../../shared/domain/profiles/user-profile';
import { httpHandler, json, pathParameter } from '../../../shared/adapters/http/http-api';
import { listUserMessages } from '../../../shared/application/messaging/message-queries';
import { composeMessaging } from '../../../shared/composition/messaging';

const Query = z.object({ limit: z.coerce.number({ message: 'limit must be a number' }).int().min(1).max(200, 'limit must be at most 200').default(50) });

/** GET /v1/users/{userId}/messages: the user's message log, newest first, with decisions and reasons. */
export const handler = httpHandler(async (event) => {
  const userId = UserId.safeParse(pathParameter(event, 'userId'));
  if (!userId.success) throw new InvalidInputError(`userId: ${userId.error.issues[0]?.message ?? 'invalid'}`);
  const query = Query.safeParse(event.queryStringParameters ?? {});
  if (!query.success) throw new InvalidInputError(`limit: ${query.error.issues[0]?.message ?? 'invalid'}`);
  const messages = await listUserMessages(userId.data, query.data.limit, composeMessaging().records());
  return json(200, { userId: userId.data, messages });
});
