import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { InvalidInputError } from '../../domain/common';
import {
  CheckinProgramState,
  type CheckinProgramStore,
  type DueWakeUp,
  type DueWakeUpPage,
  type ExpiryWatch,
  type ExpiryWatchStore,
  type StoredCheckinProgram,
} from '../../domain/loyalty';
import { loyaltyKeys, shardOf, WAKE_INDEX_NAME, WAKE_SHARDS } from './loyalty-keys';

/** When orchestration should next wake for a state; `undefined` once the program is over. */
export type WakeUpPolicy = (state: CheckinProgramState) => Date | undefined;

/**
 * Check-in program states in the users table (`PROGRAM#<programId>` under the user), versioned.
 *
 * Every write also stores when the program next needs attention (`wakeAt`, from the injected
 * policy) and its wake shard; the sparse `WakeIndex` over those two attributes is what the sweep
 * queries. A program that is over drops both attributes and leaves the index, so the sweep never
 * reads it again. State and wake-up change in the same conditional put: they cannot disagree.
 * The index also holds each user's points-expiry watch (`DynamoExpiryWatchStore`): `dueWakeUps`
 * answers both kinds.
 */
export class DynamoCheckinProgramStore implements CheckinProgramStore {
  readonly wakeShards = WAKE_SHARDS;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly wakeUpOf: WakeUpPolicy,
  ) {}

  async load(userId: string, programId: string): Promise<StoredCheckinProgram | undefined> {
    const answer = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: loyaltyKeys.userPk(userId), sk: loyaltyKeys.programSk(programId) }, ConsistentRead: true }),
    );
    return answer.Item ? storedProgramOf(answer.Item) : undefined;
  }

  async create(state: CheckinProgramState): Promise<'created' | 'already-enrolled'> {
    try {
      await this.client.send(new PutCommand({ TableName: this.tableName, Item: this.itemOf(state, 1), ConditionExpression: 'attribute_not_exists(pk)' }));
      return 'created';
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return 'already-enrolled';
      throw error;
    }
  }

  async save(state: CheckinProgramState, expectedVersion: number): Promise<'saved' | 'version-conflict'> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: this.itemOf(state, expectedVersion + 1),
          ConditionExpression: '#version = :expected',
          ExpressionAttributeNames: { '#version': 'version' },
          ExpressionAttributeValues: { ':expected': expectedVersion },
        }),
      );
      return 'saved';
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return 'version-conflict';
      throw error;
    }
  }

  async programsOf(userId: string): Promise<StoredCheckinProgram[]> {
    const answer = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': loyaltyKeys.userPk(userId), ':prefix': loyaltyKeys.programPrefix },
        ConsistentRead: true,
      }),
    );
    return (answer.Items ?? []).map(storedProgramOf);
  }

  async dueWakeUps(shard: number, now: Date, limit: number, cursor?: string): Promise<DueWakeUpPage> {
    const due: DueWakeUp[] = [];
    let startKey = cursor === undefined ? undefined : startKeyOf(cursor);
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: WAKE_INDEX_NAME,
          KeyConditionExpression: 'wakeShard = :shard AND wakeAt <= :now',
          ExpressionAttributeValues: { ':shard': loyaltyKeys.wakeShard(shard), ':now': now.toISOString() },
          Limit: limit - due.length,
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) {
        const userId = String(item.pk).slice('USER#'.length);
        const sk = String(item.sk);
        due.push(
          sk === loyaltyKeys.expiryWatchSk
            ? { kind: 'points-expiry', userId, wakeAt: String(item.wakeAt) }
            : { kind: 'program', userId, programId: sk.slice(loyaltyKeys.programPrefix.length), wakeAt: String(item.wakeAt) },
        );
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey && due.length < limit);
    return { wakeUps: due, cursor: startKey ? cursorOf(startKey) : undefined };
  }

  private itemOf(state: CheckinProgramState, version: number): Record<string, unknown> {
    const valid = CheckinProgramState.parse(state);
    const wakeAt = this.wakeUpOf(valid);
    return {
      pk: loyaltyKeys.userPk(valid.userId),
      sk: loyaltyKeys.programSk(valid.programId),
      state: valid,
      version,
      ...(wakeAt ? { wakeShard: loyaltyKeys.wakeShard(shardOf(valid.userId, WAKE_SHARDS)), wakeAt: wakeAt.toISOString() } : {}),
    };
  }
}

function storedProgramOf(item: Record<string, unknown>): StoredCheckinProgram {
  return { state: CheckinProgramState.parse(item.state), version: Number(item.version), wakeAt: typeof item.wakeAt === 'string' ? item.wakeAt : undefined };
}

/** The wake index's key attributes: what a query's LastEvaluatedKey holds. */
const WakeIndexKey = z.object({ pk: z.string(), sk: z.string(), wakeShard: z.string(), wakeAt: z.string() });

/** A LastEvaluatedKey as opaque, URL-safe text. */
function cursorOf(key: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(WakeIndexKey.parse(key)), 'utf8').toString('base64url');
}

function startKeyOf(cursor: string): Record<string, unknown> {
  try {
    return WakeIndexKey.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
  } catch (error) {
    throw new InvalidInputError('not a wake-index cursor', [{ index: null, path: 'cursor', message: 'not a cursor this store returned' }], { cause: error });
  }
}

/**
 * The points-expiry watch (`EXPIRYWATCH` under the user), in the wake index beside the programs.
 * The ledger arms it inside each points grant's transaction (`DynamoLedgerStore`); the sweep
 * moves or removes the wake-up here, on condition that no grant armed it since it was read.
 */
export class DynamoExpiryWatchStore implements ExpiryWatchStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async load(userId: string): Promise<ExpiryWatch | undefined> {
    const answer = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: loyaltyKeys.userPk(userId), sk: loyaltyKeys.expiryWatchSk }, ConsistentRead: true }),
    );
    if (!answer.Item) return undefined;
    return { wakeAt: typeof answer.Item.wakeAt === 'string' ? answer.Item.wakeAt : undefined, grants: Number(answer.Item.grants ?? 0) };
  }

  async reschedule(userId: string, wakeAt: Date | undefined, readGrants: number): Promise<'saved' | 'conflict'> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: loyaltyKeys.userPk(userId), sk: loyaltyKeys.expiryWatchSk },
          UpdateExpression: wakeAt ? 'SET wakeAt = :wakeAt, wakeShard = :shard' : 'REMOVE wakeAt, wakeShard',
          ConditionExpression: '#grants = :read',
          ExpressionAttributeNames: { '#grants': 'grants' },
          ExpressionAttributeValues: {
            ':read': readGrants,
            ...(wakeAt ? { ':wakeAt': wakeAt.toISOString(), ':shard': loyaltyKeys.wakeShard(shardOf(userId, WAKE_SHARDS)) } : {}),
          },
        }),
      );
      return 'saved';
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return 'conflict';
      throw error;
    }
  }
}
