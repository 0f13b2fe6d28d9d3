import type { SNSEvent } from 'aws-lambda';
import { feedbackStores } from '../../shared/adapters/messaging/handler-wiring';
import { applySesFeedback, SesEvent, type FeedbackOutcome } from '../../shared/adapters/messaging/ses-feedback';
import { logger } from '../../shared/adapters/observability/logger';

/**
 * SES configuration-set events, delivered by SNS: a provider receipt for every tagged message
 * (the reconciliation sweep's evidence), bounces and complaints into the suppression list, opens
 * and clicks into behaviour events. A message that is not an SES event is logged (its
 * type and problems only, never its content: it holds addresses) and dropped, since a retry cannot
 * fix it; a store failure throws, so SNS retries and then dead-letters the notification.
 */
export const handler = async (event: SNSEvent): Promise<{ applied: FeedbackOutcome['kind'][]; invalid: number }> => {
  const { suppressions, rawEvents, messageLog, receipts } = feedbackStores();
  const applied: FeedbackOutcome['kind'][] = [];
  let invalid = 0;
  for (const record of event.Records) {
    let message: unknown;
    try {
      message = JSON.parse(record.Sns.Message);
    } catch {
      invalid += 1;
      logger.warn('SES feedback is not JSON', { snsMessageId: record.Sns.MessageId });
      continue;
    }
    const parsed = SesEvent.safeParse(message);
    if (!parsed.success) {
      invalid += 1;
      logger.warn('SES feedback not understood', { snsMessageId: record.Sns.MessageId, problems: parsed.error.issues.map((issue) => `${issue.path.map(String).join('.')}: ${issue.code}`) });
      continue;
    }
    const outcome = await applySesFeedback(parsed.data, { suppressions, rawEvents, receipts, userOfMessage: (id) => messageLog.userOf(id) });
    applied.push(outcome.kind);
  }
  logger.info('SES feedback applied', { records: event.Records.length, applied, invalid });
  return { applied, invalid };
};
