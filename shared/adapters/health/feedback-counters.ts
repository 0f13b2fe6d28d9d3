import { QueryCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { SAMPLES_KEPT, type FeatureFeedbackCounts, type FeedbackCounters, type FeedbackFact } from '../../domain/health';
import { cancellationReasons } from '../dynamodb/transaction-cancellation';

/**
 * Experience feedback counters in the operations table:
 *   pk HEALTH#FEEDBACK#<iso week>          sk <feature>   total, negative, ratingSum, samples (≤ 5 masked comments)
 *   pk HEALTH#FEEDBACK#EVENT#<fact id>     sk event       one per event counted (expires after 60 days)
 * An event is counted in one transaction with its marker, so a redelivered stream record adds
 * nothing. A sample is appended after, only while the list is short (a crash in between loses a
 * sample, never a count). A week's report reads one partition: one item per feature.
 */
const EVENT_MARKER_SECONDS = 60 * 86_400;

const weekPk = (week: string) => `HEALTH#FEEDBACK#${week}`;

export class DynamoFeedbackCounters implements FeedbackCounters {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly now: () => Date,
  ) {}

  async add(fact: FeedbackFact): Promise<'counted' | 'already-counted'> {
    const key = { pk: weekPk(fact.week), sk: fact.feature };
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tableName,
                Item: { pk: `HEALTH#FEEDBACK#EVENT#${fact.factId}`, sk: 'event', expiresAt: Math.floor(this.now().getTime() / 1000) + EVENT_MARKER_SECONDS },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            {
              Update: {
                TableName: this.tableName,
                Key: key,
                UpdateExpression: 'ADD #total :one, #negative :negative, #ratingSum :rating',
                ExpressionAttributeNames: { '#total': 'total', '#negative': 'negative', '#ratingSum': 'ratingSum' },
                ExpressionAttributeValues: { ':one': 1, ':negative': fact.negative ? 1 : 0, ':rating': fact.rating },
              },
            },
          ],
        }),
      );
    } catch (error) {
      if (cancellationReasons(error)?.[0]?.code === 'ConditionalCheckFailed') return 'already-counted';
      throw error;
    }
    if (fact.sample !== undefined) await this.appendSample(key, fact.sample);
    return 'counted';
  }

  private async appendSample(key: { pk: string; sk: string }, sample: string): Promise<void> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key,
          UpdateExpression: 'SET #samples = list_append(if_not_exists(#samples, :none), :sample)',
          ConditionExpression: 'attribute_not_exists(#samples) OR size(#samples) < :kept',
          ExpressionAttributeNames: { '#samples': 'samples' },
          ExpressionAttributeValues: { ':none': [], ':sample': [sample], ':kept': SAMPLES_KEPT },
        }),
      );
    } catch (error) {
      // The week already holds its samples: the count is what matters.
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  async countsOfWeek(week: string): Promise<FeatureFeedbackCounts[]> {
    const counts: FeatureFeedbackCounts[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': weekPk(week) },
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) {
        const number = (name: string) => (typeof item[name] === 'number' ? (item[name] as number) : 0);
        counts.push({
          feature: String(item.sk),
          total: number('total'),
          negative: number('negative'),
          ratingSum: number('ratingSum'),
          samples: Array.isArray(item.samples) ? item.samples.filter((sample): sample is string => typeof sample === 'string') : [],
        });
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return counts;
  }
}
