import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { CorruptJourneyItem, SegmentCheckpoint, type LaunchProgressStore } from '../../domain/journeys';
import { queryPartitionPrefix } from '../dynamodb/query';
import { journeyKeys } from './journey-keys';

/** Condition clauses of the checkpoint write, named so the update reads as the rule. */
const checkpointClauses = {
  /** The segment's first checkpoint: none stored yet. */
  none: 'attribute_not_exists(pk)',
  /** The checkpoint of a segment's first page: none stored yet, or the one its launch began with. */
  first: 'attribute_not_exists(pk) OR pages = :previousPages',
  /** A later one: the stored checkpoint is the one this page started from. */
  after: 'pages = :previousPages',
} as const;

function parseCheckpoint(item: Record<string, unknown>): SegmentCheckpoint {
  const parsed = SegmentCheckpoint.safeParse(item);
  if (!parsed.success) throw new CorruptJourneyItem(`launch checkpoint ${String(item.pk)} ${String(item.sk)} does not parse`, { cause: parsed.error });
  return parsed.data;
}

/** A launch's checkpoints and started count, under one partition per journey (layout in journey-keys.ts). */
export class DynamoLaunchProgressStore implements LaunchProgressStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly operationsTable: string,
  ) {}

  async checkpoint(journeyId: string, segment: number): Promise<SegmentCheckpoint | undefined> {
    const answer = await this.client.send(
      new GetCommand({
        TableName: this.operationsTable,
        Key: { pk: journeyKeys.launchPk(journeyId), sk: journeyKeys.launchSegmentSk(segment) },
        ConsistentRead: true,
      }),
    );
    return answer.Item ? parseCheckpoint(answer.Item) : undefined;
  }

  /** Every segment's checkpoint: one Query of the launch's partition (a few items). */
  async checkpoints(journeyId: string): Promise<SegmentCheckpoint[]> {
    return (await queryPartitionPrefix(this.client, this.operationsTable, journeyKeys.launchPk(journeyId), 'SEGMENT#')).map(parseCheckpoint);
  }

  async saveCheckpoint(journeyId: string, checkpoint: SegmentCheckpoint, previousPages: number): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.operationsTable,
          Key: { pk: journeyKeys.launchPk(journeyId), sk: journeyKeys.launchSegmentSk(checkpoint.segment) },
          UpdateExpression: 'SET #segment = :segment, #cursor = :cursor, done = :done, pages = :pages, tally = :tally',
          ConditionExpression: previousPages === 0 ? checkpointClauses.first : checkpointClauses.after,
          ExpressionAttributeNames: { '#segment': 'segment', '#cursor': 'cursor' },
          ExpressionAttributeValues: {
            ':segment': checkpoint.segment,
            ':cursor': checkpoint.cursor,
            ':done': checkpoint.done,
            ':pages': checkpoint.pages,
            ':tally': checkpoint.tally,
            ':previousPages': previousPages,
          },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async beginSegment(journeyId: string, checkpoint: SegmentCheckpoint): Promise<boolean> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.operationsTable,
          Item: { pk: journeyKeys.launchPk(journeyId), sk: journeyKeys.launchSegmentSk(checkpoint.segment), ...checkpoint },
          ConditionExpression: checkpointClauses.none,
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async addStarted(journeyId: string, count: number): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.operationsTable,
        Key: { pk: journeyKeys.launchPk(journeyId), sk: journeyKeys.launchStartedSk },
        UpdateExpression: 'ADD #count :count',
        ExpressionAttributeNames: { '#count': 'count' },
        ExpressionAttributeValues: { ':count': count },
      }),
    );
  }

  async started(journeyId: string): Promise<number> {
    const answer = await this.client.send(
      new GetCommand({ TableName: this.operationsTable, Key: { pk: journeyKeys.launchPk(journeyId), sk: journeyKeys.launchStartedSk }, ConsistentRead: true }),
    );
    return z.object({ count: z.number().int() }).safeParse(answer.Item).data?.count ?? 0;
  }
}
