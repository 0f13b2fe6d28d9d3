import { SESv2ServiceException, SendEmailCommand, type SendEmailCommandOutput } from '@aws-sdk/client-sesv2';
import { encodeTagValue, type EmailSender, type OutgoingEmail, type ProviderSendResult } from '../../domain/messaging';

export { decodeTagValue, encodeTagValue } from '../../domain/messaging';

/** The one call the sender makes; the SESv2Client satisfies it, and a test can wrap it. */
export interface SesSendEmail {
  send(command: SendEmailCommand): Promise<SendEmailCommandOutput>;
}

// SES answers these when the account is over its sending rate or daily quota: nothing was accepted.
const THROTTLING = new Set(['TooManyRequestsException', 'LimitExceededException', 'ThrottlingException']);

/** SES tag values allow only letters, digits, `_` and `-`; user ids may hold more, so they travel encoded. */

/**
 * Email through SES v2 SendEmail with Simple content, the RFC 8058 headers and the configuration
 * set whose event destination publishes bounces, complaints, deliveries, opens and clicks back.
 * The message id and user travel as tags so the feedback handler finds the message and its user.
 *
 * The client must not retry by itself (maxAttempts 1): SendEmail takes no idempotency key, so an
 * SDK retry after a lost answer could send twice. Throttles come back as `throttled` and the send
 * path backs off; an error with no answer from SES (network, timeout) is thrown, which leaves the
 * message `sending` and so in doubt, never resent blindly.
 */
export class SesEmailSender implements EmailSender {
  constructor(
    private readonly ses: SesSendEmail,
    private readonly settings: { fromAddress: string; configurationSet: string },
  ) {}

  async send(email: OutgoingEmail): Promise<ProviderSendResult> {
    try {
      const answer = await this.ses.send(
        new SendEmailCommand({
          FromEmailAddress: this.settings.fromAddress,
          Destination: { ToAddresses: [email.to] },
          ConfigurationSetName: this.settings.configurationSet,
          Content: {
            Simple: {
              Subject: { Data: email.subject, Charset: 'UTF-8' },
              Body: { Html: { Data: email.html, Charset: 'UTF-8' }, Text: { Data: email.text, Charset: 'UTF-8' } },
              ...(email.headers.length ? { Headers: email.headers.map((header) => ({ Name: header.name, Value: header.value })) } : {}),
            },
          },
          EmailTags: [
            { Name: 'messageId', Value: email.tags.messageId },
            { Name: 'templateId', Value: encodeTagValue(email.tags.templateId) },
            { Name: 'userId', Value: encodeTagValue(email.tags.userId) },
          ],
        }),
      );
      if (!answer.MessageId) return { kind: 'permanent-error', detail: 'SES accepted the call but returned no message id' };
      return { kind: 'accepted', providerMessageId: answer.MessageId };
    } catch (error) {
      if (!(error instanceof SESv2ServiceException) && !isNamedServiceError(error)) throw error;
      const name = (error as Error).name;
      const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode ?? 0;
      if (THROTTLING.has(name) || status === 429) return { kind: 'throttled', detail: `${name}: ${(error as Error).message}` };
      // A 5xx is an answer: SES says it failed to take the message, so a later retry is safe.
      if (status >= 500) return { kind: 'retryable-error', detail: `${name}: ${(error as Error).message}` };
      return { kind: 'permanent-error', detail: `${name}: ${(error as Error).message}` };
    }
  }
}

/** A service error from another copy of the SDK (or a test double built from the real class). */
function isNamedServiceError(error: unknown): boolean {
  return error instanceof Error && (error as { $fault?: unknown }).$fault !== undefined;
}
