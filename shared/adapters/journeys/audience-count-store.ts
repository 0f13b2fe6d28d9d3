import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { AUDIENCE_COUNT_RETENTION_DAYS, AudienceCount, CorruptJourneyItem, CountCheckpoint, type AudienceCountStore } from '../../domain/journeys';
import { queryPartitionPrefix } from '../dynamodb/query';
import { journeyKeys } from './journey-keys';

function parsed<T>(schema: { safeParse(value: unknown): { success: true; data: T } | { success: false; error: unknown } }, item: Record<string, unknown>): T {
  const result = schema.safeParse(item);
  if (!result.success) throw new CorruptJourneyItem(`audience count item ${String(item.pk)} ${String(item.sk)} does not parse`, { cause: result.error });
  return result.data;
}

/** Exact counts and their checkpoints, under one partition per count (layout in journey-keys.ts), gone a week later by TTL. */
export class DynamoAudienceCountStore implements AudienceCountStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly operationsTable: string,
  ) {}

  private expiresAt(requestedAt: string): number {
    return Math.floor(Date.parse(requestedAt) / 1000) + AUDIENCE_COUNT_RETENTION_DAYS * 86_400;
  }

  async create(count: AudienceCount): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.operationsTable,
        Item: { ...journeyKeys.countKey(count.countId), ...count, expiresAt: this.expiresAt(count.requestedAt) },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async get(countId: string): Promise<AudienceCount | undefined> {
    const answer = await this.client.send(new GetCommand({ TableName: this.operationsTable, Key: journeyKeys.countKey(countId), ConsistentRead: true }));
    return answer.Item ? parsed(AudienceCount, answer.Item) : undefined;
  }

  async checkpoint(countId: string, segment: number): Promise<CountCheckpoint | undefined> {
    const answer = await this.client.send(
      new GetCommand({
        TableName: this.operationsTable,
        Key: { pk: journeyKeys.countKey(countId).pk, sk: journeyKeys.countSegmentSk(segment) },
        ConsistentRead: true,
      }),
    );
    return answer.Item ? parsed(CountCheckpoint, answer.Item) : undefined;
  }

  /** Every segment's checkpoint: one Query of the count's partition (a few items). */
  async checkpoints(countId: string): Promise<CountCheckpoint[]> {
    return (await queryPartitionPrefix(this.client, this.operationsTable, journeyKeys.countKey(countId).pk, 'SEGMENT#')).map((item) =>
      parsed(CountCheckpoint, item),
    );
  }

  async saveCheckpoint(countId: string, checkpoint: CountCheckpoint, previousPages: number): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.operationsTable,
          Key: { pk: journeyKeys.countKey(countId).pk, sk: journeyKeys.countSegmentSk(checkpoint.segment) },
          UpdateExpression:
            'SET #segment = :segment, #cursor = :cursor, done = :done, pages = :pages, #counts = :counts, countedAt = :countedAt, expiresAt = :expiresAt',
          ConditionExpression: previousPages === 0 ? 'attribute_not_exists(pk)' : 'pages = :previousPages',
          ExpressionAttributeNames: { '#segment': 'segment', '#cursor': 'cursor', '#counts': 'counts' },
          ExpressionAttributeValues: {
            ':segment': checkpoint.segment,
            ':cursor': checkpoint.cursor,
            ':done': checkpoint.done,
            ':pages': checkpoint.pages,
            ':counts': checkpoint.counts,
            ':countedAt': checkpoint.countedAt,
            ':expiresAt': this.expiresAt(checkpoint.countedAt),
            ...(previousPages === 0 ? {} : { ':previousPages': previousPages }),
          },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}
