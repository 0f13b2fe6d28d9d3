import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { SNSEvent } from 'aws-lambda';
import { logger } from '../../shared/adapters/observability/logger';
import { applySesFeedback } from '../../shared/application/messaging/apply-ses-feedback';
import { composeMessaging } from '../../shared/composition/messaging';
import { SesEvent, type FeedbackOutcome } from '../../shared/domain/messaging';

/**
 * SES configuration-set events, delivered by SNS: a provider receipt for every tagged message
 * (the reconciliation sweep's evidence), bounces and complaints into the suppression list, opens
 * and clicks into behaviour events. A message that is not an SES event is logged (its
 * type and problems only, never its content: it holds addresses) and dropped, since a retry cannot
 * fix it; a store failure throws, so SNS retries and then dead-letters the notification.
 *
 * Not a Powertools `BatchProcessor`: SNS invokes with one record and has no partial batch
 * response (the processor knows SQS, Kinesis and DynamoDB streams only); SNS's own retry and
 * dead-letter queue are the failure path.
 */
export const handler = middy(async (event: SNSEvent): Promise<{ applied: FeedbackOutcome['kind'][]; invalid: number }> => {
  const ports = composeMessaging().feedback();
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
      logger.warn('SES feedback not understood', {
        snsMessageId: record.Sns.MessageId,
        problems: parsed.error.issues.map((issue) => `${issue.path.map(String).join('.')}: ${issue.code}`),
      });
      continue;
    }
    const outcome = await applySesFeedback(parsed.data, ports);
    applied.push(outcome.kind);
  }
  logger.info('SES feedback applied', { records: event.Records.length, applied, invalid });
  return { applied, invalid };
}).use(injectLambdaContext(logger, { resetKeys: true }));
