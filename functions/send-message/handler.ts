import { InvalidInputError } from '../../shared/domain/common';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { problemsFromZod } from '../../shared/domain/events/validate-batch';
import { Channel, Priority, QuietHoursChoice, TemplateData, type SendOutcome } from '../../shared/domain/messaging';
import { UserId } from '../../shared/domain/profiles/user-profile';
import { templateIds } from '../../shared/templates';
import { httpHandler, json, jsonBody } from '../../shared/adapters/http/http-api';
import { MESSAGING_DEFAULTS } from '../../shared/adapters/messaging/config';
import { operatorOf } from '../../shared/adapters/messaging/operator';
import { logger } from '../../shared/adapters/observability/logger';
import { publishCountedMetrics } from '../../shared/adapters/observability/metrics';
import { composeMessaging } from '../../shared/composition/messaging';

/** The body of `POST /v1/messages/test`. */
export const TestMessageRequest = z.strictObject({
  userId: UserId,
  channel: Channel,
  templateId: z.enum(templateIds as [string, ...string[]], { message: `templateId must be one of ${templateIds.join(', ')}` }).default('test-message'),
  priority: Priority.default('non-core'),
  data: TemplateData.default({}),
  /** Test messages are dropped in quiet hours unless asked otherwise: a deferred test is confusing. */
  onQuietHours: QuietHoursChoice.default('drop'),
  /** Repeat a key to check idempotency; a fresh one per call otherwise. */
  idempotencyKey: z.string().min(1).max(200).optional(),
});
export type TestMessageRequest = z.infer<typeof TestMessageRequest>;

const STATUS: Record<SendOutcome['kind'], number> = { sent: 200, deferred: 200, skipped: 200, 'failed-retryable': 503, 'failed-permanent': 422 };

/** POST /v1/messages/test: sends one message to a user through the one send path, policy included. */
export const handler = httpHandler(async (event, context) => {
  const body = TestMessageRequest.safeParse(jsonBody(event));
  if (!body.success) throw new InvalidInputError('the test message request was rejected; nothing was sent', problemsFromZod(body.error));
  const operator = operatorOf(event);
  const request = body.data;
  const outcome = await composeMessaging().messenger.send({
    userId: request.userId,
    channel: request.channel,
    templateId: request.templateId,
    // The test template's variables, unless the caller gave its own.
    data: { firstName: request.userId, sentBy: 'Rekindle', appUrl: MESSAGING_DEFAULTS.appUrl, ...request.data },
    priority: request.priority,
    idempotencyKey: request.idempotencyKey ?? `console:test:${context.awsRequestId ?? randomUUID()}`,
    onQuietHours: request.onQuietHours,
    source: { kind: 'console', operator },
  });
  logger.info('test message', { messageId: outcome.messageId, outcome: outcome.kind, channel: request.channel });
  return json(STATUS[outcome.kind], { outcome });
}).use(publishCountedMetrics());
