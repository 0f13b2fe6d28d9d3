import { PublishCommand, SNSServiceException, type PublishCommandOutput } from '@aws-sdk/client-sns';
import type { OutgoingPush, OutgoingSms, ProviderSendResult, PushSender, SmsSender } from '../../domain/messaging';

/** The one call the SNS senders make; the SNSClient satisfies it. */
export interface SnsPublish {
  send(command: PublishCommand): Promise<PublishCommandOutput>;
}

const THROTTLING = new Set(['ThrottledException', 'ThrottlingException', 'KMSThrottlingException']);

/** Maps an SNS answer like the SES sender does; errors without an answer are thrown (in doubt). */
async function publish(sns: SnsPublish, command: PublishCommand): Promise<ProviderSendResult> {
  try {
    const answer = await sns.send(command);
    if (!answer.MessageId) return { kind: 'permanent-error', detail: 'SNS accepted the call but returned no message id' };
    return { kind: 'accepted', providerMessageId: answer.MessageId };
  } catch (error) {
    if (!(error instanceof SNSServiceException)) throw error;
    const status = error.$metadata?.httpStatusCode ?? 0;
    if (THROTTLING.has(error.name) || status === 429) return { kind: 'throttled', detail: `${error.name}: ${error.message}` };
    if (status >= 500) return { kind: 'retryable-error', detail: `${error.name}: ${error.message}` };
    return { kind: 'permanent-error', detail: `${error.name}: ${error.message}` };
  }
}

/** SMS through SNS Publish to a phone number; marketing goes as Promotional, core as Transactional. */
export class SnsSmsSender implements SmsSender {
  constructor(private readonly sns: SnsPublish) {}

  send(sms: OutgoingSms): Promise<ProviderSendResult> {
    return publish(
      this.sns,
      new PublishCommand({
        PhoneNumber: sms.to,
        Message: sms.text,
        MessageAttributes: {
          'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: sms.smsType },
          messageId: { DataType: 'String', StringValue: sms.messageId },
        },
      }),
    );
  }
}

/** Mobile push through SNS Publish to the device's platform endpoint. */
export class SnsPushSender implements PushSender {
  constructor(private readonly sns: SnsPublish) {}

  send(push: OutgoingPush): Promise<ProviderSendResult> {
    return publish(
      this.sns,
      new PublishCommand({
        TargetArn: push.endpoint,
        Subject: push.title,
        Message: push.body,
        MessageAttributes: { messageId: { DataType: 'String', StringValue: push.messageId } },
      }),
    );
  }
}
