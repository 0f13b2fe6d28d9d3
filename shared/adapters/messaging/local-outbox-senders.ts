import { randomUUID } from 'node:crypto';
import type { Clock } from '../../domain/common';
import { maskContactPoint, type OutgoingPush, type OutgoingSms, type ProviderSendResult, type PushSender, type SmsSender } from '../../domain/messaging';
import type { DynamoMessageLog } from './message-log';

/**
 * SMS and push on the local runtime. The SNS emulator (fauxqs) has no SMS or platform-endpoint
 * support, so the local runtime "delivers" them into an outbox item holding the rendered text
 * (the address masked), which `rekindle mail show` reads. Never used in AWS.
 */
export class LocalOutboxSenders implements SmsSender, PushSender {
  readonly sms: SmsSender = { send: (sms) => this.deliver(sms) };
  readonly push: PushSender = { send: (push) => this.deliver(push) };

  constructor(
    private readonly log: DynamoMessageLog,
    private readonly clock: Clock,
  ) {}

  send(message: OutgoingSms | OutgoingPush): Promise<ProviderSendResult> {
    return this.deliver(message);
  }

  private async deliver(message: OutgoingSms | OutgoingPush): Promise<ProviderSendResult> {
    const isSms = 'text' in message;
    const providerMessageId = `local-${isSms ? 'sms' : 'push'}-${randomUUID()}`;
    await this.log.putOutbox({
      messageId: message.messageId,
      userId: message.tags.userId,
      channel: isSms ? 'sms' : 'push',
      providerMessageId,
      to: isSms ? maskContactPoint('sms', message.to) : maskContactPoint('push', message.endpoint),
      ...(isSms ? { body: message.text } : { title: message.title, body: message.body }),
      sentAt: this.clock.now().toISOString(),
    });
    return { kind: 'accepted', providerMessageId };
  }
}
