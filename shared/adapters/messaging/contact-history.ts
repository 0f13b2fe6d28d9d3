import { PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ContactRecord, type ContactHistory } from '../../domain/messaging';
import { keys } from '../dynamodb/keys';
import { CorruptMessagingItemError } from './errors';
import { messagingKeys } from './keys';

/**
 * Contacts that left, under the user's partition and sorted by time, so the disturbance index reads
 * one short range. Items expire once they are older than the index looks back.
 */
export class DynamoContactHistory implements ContactHistory {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly usersTable: string,
    private readonly lookbackMs: number,
  ) {}

  async listSince(userId: string, since: Date): Promise<readonly ContactRecord[]> {
    const records: ContactRecord[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.usersTable,
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
          ExpressionAttributeValues: {
            ':pk': keys.userPk(userId),
            ':from': messagingKeys.contactSk(since.toISOString(), ''),
            ':to': `${messagingKeys.contactPrefix}~`,
          },
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) {
        const parsed = ContactRecord.safeParse(item.contact);
        if (!parsed.success) throw new CorruptMessagingItemError('contact record', { cause: parsed.error });
        records.push(parsed.data);
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return records;
  }

  async append(userId: string, contact: ContactRecord): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.usersTable,
        Item: {
          pk: keys.userPk(userId),
          sk: messagingKeys.contactSk(contact.at, contact.messageId),
          contact,
          expiresAt: Math.floor((Date.parse(contact.at) + this.lookbackMs) / 1000) + 86_400,
        },
      }),
    );
  }
}
