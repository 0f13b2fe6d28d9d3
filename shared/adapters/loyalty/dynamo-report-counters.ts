import { BatchGetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { LoyaltyReportCounters } from '../../domain/loyalty';
import { cancellationReasons } from '../dynamodb/transaction-cancellation';
import type { LoyaltyTables } from './dynamo-reward-stores';
import { loyaltyKeys, REPORT_COUNTER_SHARDS, shardOf } from './loyalty-keys';

/** Counter attribute names are data (`streak-7`): kept apart from the item's keys. */
const counterAttribute = (counter: string) => `c_${counter}`;

/**
 * Report counters of distinct users: a marker item under the user, written only if absent, and
 * an `ADD` on the report's counter shard picked by the user's hash, in one transaction, so a
 * retried count never counts twice and no shard is a hot partition. `totals` is one BatchGet of
 * the 16 shards, whatever the number of users.
 */
export class DynamoReportCounters implements LoyaltyReportCounters {
  constructor(private readonly tables: LoyaltyTables) {}

  async countOnce(userId: string, report: string, counter: string, at: Date): Promise<'counted' | 'already-counted'> {
    try {
      await this.tables.client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tables.usersTable,
                Item: { pk: loyaltyKeys.userPk(userId), sk: loyaltyKeys.reportMarkerSk(report, counter), at: at.toISOString() },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            {
              Update: {
                TableName: this.tables.operationsTable,
                Key: { pk: loyaltyKeys.reportCountsPk(report, shardOf(userId, REPORT_COUNTER_SHARDS)), sk: loyaltyKeys.reportCountsSk },
                UpdateExpression: 'ADD #counter :one',
                ExpressionAttributeNames: { '#counter': counterAttribute(counter) },
                ExpressionAttributeValues: { ':one': 1 },
              },
            },
          ],
        }),
      );
      return 'counted';
    } catch (error) {
      if (cancellationReasons(error)?.[0]?.code === 'ConditionalCheckFailed') return 'already-counted';
      throw error;
    }
  }

  async totals(report: string): Promise<Readonly<Record<string, number>>> {
    const totals: Record<string, number> = {};
    let pending: Record<string, unknown>[] = Array.from({ length: REPORT_COUNTER_SHARDS }, (_, shard) => ({
      pk: loyaltyKeys.reportCountsPk(report, shard),
      sk: loyaltyKeys.reportCountsSk,
    }));
    while (pending.length > 0) {
      const answer = await this.tables.client.send(new BatchGetCommand({ RequestItems: { [this.tables.operationsTable]: { Keys: pending } } }));
      for (const item of answer.Responses?.[this.tables.operationsTable] ?? []) {
        for (const [name, value] of Object.entries(item)) {
          if (name.startsWith('c_')) totals[name.slice(2)] = (totals[name.slice(2)] ?? 0) + Number(value);
        }
      }
      pending = (answer.UnprocessedKeys?.[this.tables.operationsTable]?.Keys ?? []) as Record<string, unknown>[];
    }
    return totals;
  }
}
