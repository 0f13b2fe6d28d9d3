import { randomBytes } from 'node:crypto';
import { GetCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { MessageLogEntry, OutboxMessage, type MessageLog, type MessageQueries } from '../../domain/messaging';
import { expiresAfterDays, keys } from '../dynamodb/keys';
import { CorruptMessagingItemError } from './errors';
import { messagingKeys } from './keys';

export { OutboxMessage } from '../../domain/messaging';

/**
 * The message log, one item per send call under the user's partition, newest sorting last. Each
 * entry carries the decision with every check and the outcome; contact points are masked by the
 * domain before they get here. A pointer item in the operations table maps a message id to its
 * user, so a message can be looked up by id alone.
 */
export class DynamoMessageLog implements MessageLog, MessageQueries {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tables: { users: string; operations: string },
    private readonly retentionDays: number,
  ) {}

  async record(entry: MessageLogEntry): Promise<void> {
    const expiresAt = expiresAfterDays(entry.recordedAt, this.retentionDays);
    await Promise.all([
      this.client.send(
        new PutCommand({
          TableName: this.tables.users,
          // The random suffix keeps two calls recorded in the same millisecond apart.
          Item: { pk: keys.userPk(entry.userId), sk: messagingKeys.logSk(entry.recordedAt, entry.messageId, randomBytes(4).toString('hex')), entry, expiresAt },
        }),
      ),
      this.client.send(
        new PutCommand({ TableName: this.tables.operations, Item: { ...messagingKeys.messagePointerKey(entry.messageId), userId: entry.userId, expiresAt } }),
      ),
    ]);
  }

  /** The user's log, newest first. */
  async listForUser(userId: string, limit: number): Promise<MessageLogEntry[]> {
    const entries: MessageLogEntry[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tables.users,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': keys.userPk(userId), ':prefix': messagingKeys.logPrefix },
          ScanIndexForward: false,
          Limit: limit - entries.length,
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) entries.push(parseWith(MessageLogEntry, item.entry, 'message log entry'));
      startKey = page.LastEvaluatedKey;
    } while (startKey && entries.length < limit);
    return entries;
  }

  /** Which user a message id belongs to, if the log knows it. */
  async userOf(messageId: string): Promise<string | undefined> {
    const answer = await this.client.send(new GetCommand({ TableName: this.tables.operations, Key: messagingKeys.messagePointerKey(messageId) }));
    return typeof answer.Item?.userId === 'string' ? answer.Item.userId : undefined;
  }

  async putOutbox(message: OutboxMessage): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tables.users,
        Item: {
          pk: keys.userPk(message.userId),
          sk: messagingKeys.outboxSk(message.messageId),
          message,
          expiresAt: expiresAfterDays(message.sentAt, this.retentionDays),
        },
      }),
    );
  }

  async findOutbox(userId: string, messageId: string): Promise<OutboxMessage | undefined> {
    const answer = await this.client.send(
      new GetCommand({ TableName: this.tables.users, Key: { pk: keys.userPk(userId), sk: messagingKeys.outboxSk(messageId) } }),
    );
    return answer.Item === undefined ? undefined : parseWith(OutboxMessage, answer.Item.message, 'outbox message');
  }
}

function parseWith<T extends z.ZodType>(schema: T, value: unknown, what: string): z.infer<T> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new CorruptMessagingItemError(what, { cause: parsed.error });
  return parsed.data;
}
