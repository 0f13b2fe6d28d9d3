import type { LoyaltyMessage, LoyaltyMessenger, RecordedMessage, ReminderOutcome } from '../../../shared/domain/loyalty';

/** `LoyaltyMessenger` in memory: one send per message id, like the send path's idempotency. */
export class InMemoryLoyaltyMessenger implements LoyaltyMessenger {
  readonly sent: LoyaltyMessage[] = [];
  private readonly ids = new Set<string>();

  async send(message: LoyaltyMessage): Promise<ReminderOutcome> {
    if (this.ids.has(message.messageId)) return { kind: 'already-sent' };
    this.ids.add(message.messageId);
    this.sent.push(message);
    return { kind: 'sent' };
  }

  async messagesOf(userId: string): Promise<RecordedMessage[]> {
    return this.sent
      .filter((message) => message.userId === userId)
      .map((message) => ({
        messageId: message.messageId,
        templateId: message.kind,
        channel: 'email',
        outcome: 'sent',
        at: new Date(0).toISOString(),
        programId: message.programId,
      }));
  }
}
