import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  CorruptJourneyItem,
  JourneyMember,
  StoredJourney,
  type CreateJourneyOutcome,
  type JourneyStatus,
  type JourneyStore,
  type LaunchCounts,
} from '../../domain/journeys';
import { batchGet } from '../dynamodb/batch';
import { forEachConcurrently } from '../dynamodb/client';
import { journeyKeys, MEMBER_SHARDS } from './journey-keys';

function parseJourney(item: Record<string, unknown>): StoredJourney {
  const parsed = StoredJourney.safeParse(item);
  if (!parsed.success) throw new CorruptJourneyItem(`journey item ${String(item.pk)} does not parse`, { cause: parsed.error });
  return parsed.data;
}

/** Journeys and their member lists in the operations table (layout in journey-keys.ts). */
export class DynamoJourneyStore implements JourneyStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly operationsTable: string,
  ) {}

  /** Creates the journey and its index item together; an existing id answers `exists` with what is stored. */
  async create(journey: StoredJourney): Promise<CreateJourneyOutcome> {
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.operationsTable,
                Item: { ...journeyKeys.stateKey(journey.journeyId), ...journey },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            {
              Put: {
                TableName: this.operationsTable,
                Item: { pk: journeyKeys.indexPk, sk: journey.journeyId, journeyId: journey.journeyId, createdAt: journey.launchedAt },
              },
            },
          ],
        }),
      );
      return { kind: 'created', journey };
    } catch (error) {
      if (!(error instanceof Error) || error.name !== 'TransactionCanceledException') throw error;
      const existing = await this.get(journey.journeyId);
      if (!existing) throw error;
      return { kind: 'exists', journey: existing };
    }
  }

  async get(journeyId: string): Promise<StoredJourney | undefined> {
    const answer = await this.client.send(new GetCommand({ TableName: this.operationsTable, Key: journeyKeys.stateKey(journeyId), ConsistentRead: true }));
    return answer.Item ? parseJourney(answer.Item) : undefined;
  }

  /** Every journey, newest launch first. */
  async list(): Promise<StoredJourney[]> {
    const ids: string[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.operationsTable,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': journeyKeys.indexPk },
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) ids.push(String(item.sk));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    const items = await batchGet(this.client, this.operationsTable, ids.map(journeyKeys.stateKey));
    return items.map(parseJourney).sort((a, b) => b.launchedAt.localeCompare(a.launchedAt));
  }

  /**
   * Moves the journey from `from` to `to` only if it is still `from`: two marketers pressing pause
   * and stop at once cannot both win. Answers false when the status had changed.
   */
  async transition(journeyId: string, from: JourneyStatus, to: JourneyStatus, at: Date): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.operationsTable,
          Key: journeyKeys.stateKey(journeyId),
          UpdateExpression: 'SET #status = :to, updatedAt = :at',
          ConditionExpression: '#status = :from',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':to': to, ':from': from, ':at': at.toISOString() },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async recordLaunch(journeyId: string, launch: LaunchCounts): Promise<void> {
    await this.client.send(
      new UpdateCommand({
        TableName: this.operationsTable,
        Key: journeyKeys.stateKey(journeyId),
        UpdateExpression: 'SET launch = :launch',
        ExpressionAttributeValues: { ':launch': launch },
      }),
    );
  }

  /** Moves the launch from attempt `from` to `to` and clears the failure, only if it is still at `from` (absent reads as 1). */
  async beginLaunchAttempt(journeyId: string, from: number, to: number): Promise<boolean> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.operationsTable,
          Key: journeyKeys.stateKey(journeyId),
          UpdateExpression: 'SET launchAttempt = :to REMOVE launchFailure',
          ConditionExpression: from === 1 ? 'attribute_not_exists(launchAttempt) OR launchAttempt = :from' : 'launchAttempt = :from',
          ExpressionAttributeValues: { ':to': to, ':from': from },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /**
   * Which of `userIds` are members of the journey: one BatchGetItem of keys per 100 users, so a
   * preview pays for its audience, not for the whole member list. Members are written with their
   * enrollment records (DynamoEnrollmentStore.enrollOnce).
   */
  async membersAmong(journeyId: string, userIds: readonly string[]): Promise<Set<string>> {
    const keys = [...new Set(userIds)].map((userId) => ({ pk: journeyKeys.memberPk(journeyId, journeyKeys.memberShardOf(userId)), sk: userId }));
    const items = await batchGet(this.client, this.operationsTable, keys, { projection: ['sk'] });
    return new Set(items.map((item) => String(item.sk)));
  }

  /** Every member of the journey, reading the shards in parallel. */
  async listMembers(journeyId: string): Promise<JourneyMember[]> {
    const members: JourneyMember[] = [];
    await forEachConcurrently([...Array(MEMBER_SHARDS).keys()], 8, async (shard) => {
      let startKey: Record<string, unknown> | undefined;
      do {
        const page = await this.client.send(
          new QueryCommand({
            TableName: this.operationsTable,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': journeyKeys.memberPk(journeyId, shard) },
            ExclusiveStartKey: startKey,
          }),
        );
        for (const item of page.Items ?? []) {
          const parsed = JourneyMember.safeParse(item);
          if (!parsed.success) throw new CorruptJourneyItem(`member ${String(item.sk)} of ${journeyId} does not parse`, { cause: parsed.error });
          members.push(parsed.data);
        }
        startKey = page.LastEvaluatedKey;
      } while (startKey);
    });
    return members.sort((a, b) => a.userId.localeCompare(b.userId));
  }
}
