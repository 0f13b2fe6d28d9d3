import { GetCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SuppressionEntry, type Channel, type SuppressionList } from '../../domain/messaging';
import { assertNever } from '../../domain/common';
import { keys } from '../dynamodb/keys';
import { CorruptMessagingItemError } from './errors';
import { messagingKeys } from './keys';

/**
 * The suppression list. A hard bounce belongs to an address, whoever uses it: it is stored in the
 * operations table under the address's fingerprint (a hash; the address never appears). Complaints,
 * unsubscribes and sunsets belong to a user and live under the user's partition. Adding an entry
 * twice keeps the first time it happened.
 */
export class DynamoSuppressionList implements SuppressionList {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tables: { users: string; operations: string },
  ) {}

  async listFor(query: { userId: string; channel: Channel; contactPointFingerprint: string }): Promise<readonly SuppressionEntry[]> {
    const [bounce, userEntries] = await Promise.all([
      query.contactPointFingerprint === ''
        ? Promise.resolve(undefined)
        : this.client.send(
            new GetCommand({ TableName: this.tables.operations, Key: messagingKeys.bounceKey(query.contactPointFingerprint), ConsistentRead: true }),
          ),
      this.client.send(
        new QueryCommand({
          TableName: this.tables.users,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': keys.userPk(query.userId), ':prefix': messagingKeys.userSuppressionPrefix },
          ConsistentRead: true,
        }),
      ),
    ]);
    const items = [...(bounce?.Item ? [bounce.Item] : []), ...(userEntries.Items ?? [])];
    return items.map((item) => {
      const parsed = SuppressionEntry.safeParse(item.entry);
      if (!parsed.success) throw new CorruptMessagingItemError('suppression entry', { cause: parsed.error });
      return parsed.data;
    });
  }

  /** Adds an entry; returns false when the same suppression was already there. */
  async add(entry: SuppressionEntry): Promise<boolean> {
    const { table, key } = this.locate(entry);
    try {
      await this.client.send(new PutCommand({ TableName: table, Item: { ...key, entry }, ConditionExpression: 'attribute_not_exists(pk)' }));
      return true;
    } catch (error) {
      if ((error as Error).name === 'ConditionalCheckFailedException') return false;
      throw error;
    }
  }

  private locate(entry: SuppressionEntry): { table: string; key: { pk: string; sk: string } } {
    switch (entry.kind) {
      case 'hard-bounce':
        return { table: this.tables.operations, key: messagingKeys.bounceKey(entry.contactPointFingerprint) };
      case 'complaint':
      case 'sunset':
        return { table: this.tables.users, key: { pk: keys.userPk(entry.userId), sk: messagingKeys.userSuppressionSk(entry.kind) } };
      case 'unsubscribe':
        return { table: this.tables.users, key: { pk: keys.userPk(entry.userId), sk: messagingKeys.userSuppressionSk('unsubscribe', entry.channel) } };
      default:
        return assertNever(entry);
    }
  }
}
