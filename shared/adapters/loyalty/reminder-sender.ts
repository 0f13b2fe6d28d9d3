import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { CheckinProgramSummary, LocalDay } from '../../domain/loyalty';
import { loyaltyKeys } from './loyalty-keys';

/** A message the check-in program asks the send path to deliver. `messageId` is its idempotency key. */
export type LoyaltyMessage =
  | { readonly kind: 'checkin-reminder'; readonly messageId: string; readonly userId: string; readonly programId: string; readonly day: LocalDay }
  | { readonly kind: 'program-summary'; readonly messageId: string; readonly userId: string; readonly programId: string; readonly summary: CheckinProgramSummary };

/** What handing a message over did. A retry with the same id is `already-sent`, never a second send. */
export type ReminderOutcome = { readonly kind: 'sent' } | { readonly kind: 'already-sent' } | { readonly kind: 'skipped'; readonly reason: string };

/**
 * The port reminders and summaries go through. The messaging engineer's `createMessenger()` will
 * implement it with the full contact policy (consent, quiet hours, disturbance budget, kill
 * switch); until it lands, `OutboxReminderSender` records each message once under the user.
 */
export interface ReminderSender {
  send(message: LoyaltyMessage, at: Date): Promise<ReminderOutcome>;
}

/** A recorded message, as `rekindle programs status` shows it. */
export interface RecordedMessage {
  readonly message: LoyaltyMessage;
  readonly at: string;
}

/**
 * Records messages in the user's partition (`MESSAGE#<id>`), exactly once per id: the hand-over
 * point the send path will read from. No contact data is stored or logged here.
 */
export class OutboxReminderSender implements ReminderSender {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async send(message: LoyaltyMessage, at: Date): Promise<ReminderOutcome> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk: loyaltyKeys.userPk(message.userId), sk: loyaltyKeys.messageSk(message.messageId), message, at: at.toISOString() },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return { kind: 'sent' };
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return { kind: 'already-sent' };
      throw error;
    }
  }

  async messagesOf(userId: string): Promise<RecordedMessage[]> {
    const answer = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': loyaltyKeys.userPk(userId), ':prefix': loyaltyKeys.messagePrefix },
        ConsistentRead: true,
      }),
    );
    return (answer.Items ?? []).map((item) => ({ message: item.message as LoyaltyMessage, at: String(item.at) })).sort((a, b) => a.at.localeCompare(b.at));
  }
}
