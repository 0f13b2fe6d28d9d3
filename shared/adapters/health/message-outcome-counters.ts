import { QueryCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { expiresAfterDays } from '../dynamodb/keys';
import { cancellationReasons } from '../dynamodb/transaction-cancellation';
import { isQuarterOnLocalDay, MESSAGE_COUNTER_OF, quarterHourOf, utcDaysAround, type MessageDayCounts, type MessageOutcomeCounter } from '../../domain/health';
import type { MessageOutcomeFact, MessageOutcomeRecorder } from '../../domain/messaging';

/**
 * The message outcome counters of product health, in the operations table:
 *   pk HEALTH#MESSAGES#<utc day>#<shard>   sk <quarter-hour 00..95>   sent, complaints, bounces, unsubscribes
 *   pk HEALTH#MESSAGES#FACT#<fact id>      sk fact                    one per fact counted (expires after 60 days)
 * A fact is counted in one transaction with its marker, whose condition refuses a second count of
 * the same fact (a redelivered SES event, a retried request). Sends are spread over 8 shards by
 * fact id: one quarter-hour item takes 1,000 writes/s, 8 of them more than SES sends.
 */
const SHARDS = 8;
const FACT_MARKER_DAYS = 60;

const counterPk = (utcDay: string, shard: number) => `HEALTH#MESSAGES#${utcDay}#${shard}`;

function shardOf(factId: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < factId.length; i++) hash = Math.imul(hash ^ factId.charCodeAt(i), 0x01000193) >>> 0;
  return hash % SHARDS;
}

export class DynamoMessageOutcomeCounters implements MessageOutcomeRecorder, MessageOutcomeCounter {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async count(fact: MessageOutcomeFact): Promise<'counted' | 'already-counted'> {
    const { utcDay, quarter } = quarterHourOf(fact.at);
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tableName,
                Item: {
                  pk: `HEALTH#MESSAGES#FACT#${fact.factId}`,
                  sk: 'fact',
                  kind: fact.kind,
                  at: fact.at,
                  expiresAt: expiresAfterDays(fact.at, FACT_MARKER_DAYS),
                },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            {
              Update: {
                TableName: this.tableName,
                Key: { pk: counterPk(utcDay, shardOf(fact.factId)), sk: String(quarter).padStart(2, '0') },
                UpdateExpression: 'ADD #counter :one',
                ExpressionAttributeNames: { '#counter': MESSAGE_COUNTER_OF[fact.kind] },
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

  /** The local `day`'s counts in `timeZone`: the quarter-hours of the three UTC days around it that fall on it. */
  async countDay(day: string, timeZone: string): Promise<MessageDayCounts> {
    const counts: MessageDayCounts = { sent: 0, complaints: 0, bounces: 0, unsubscribes: 0 };
    const pages = await Promise.all(
      utcDaysAround(day).flatMap((utcDay) =>
        Array.from({ length: SHARDS }, (_, shard) => this.queryAll(counterPk(utcDay, shard)).then((items) => ({ utcDay, items }))),
      ),
    );
    for (const { utcDay, items } of pages) {
      for (const item of items) {
        if (!isQuarterOnLocalDay(utcDay, Number(item.sk), day, timeZone)) continue;
        for (const name of Object.keys(counts) as Array<keyof MessageDayCounts>) if (typeof item[name] === 'number') counts[name] += item[name];
      }
    }
    return counts;
  }

  private async queryAll(pk: string): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': pk },
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      );
      items.push(...(page.Items ?? []));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return items;
  }
}
