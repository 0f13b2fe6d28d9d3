import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, GetCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  incentiveConversionFromCounts,
  type BehaviourEvent as IncentiveEvent,
  type IncentiveConversion,
  type IncentiveStore,
  type WindowProgress,
} from '../../domain/loyalty';
import type { LoyaltyTables } from './dynamo-reward-stores';
import { INCENTIVE_STATS_SHARDS, loyaltyKeys, shardOf } from './loyalty-keys';
import { cancellationReasons } from '../dynamodb/transaction-cancellation';

// A window counts distinct event ids (`eventIds`): a producer re-sending an event under another
// timestamp is stored as a second raw event, but it is the same event. `eventKeys` keeps
// `<ISO instant>|<event id>` for the domain's evaluation (which also counts ids once).
const SEPARATOR = '|';

function eventsOf(keys: ReadonlySet<string> | undefined, eventType: string): IncentiveEvent[] {
  return [...(keys ?? [])].map((key) => {
    const at = key.indexOf(SEPARATOR);
    return { occurredAt: key.slice(0, at), eventId: key.slice(at + SEPARATOR.length), type: eventType };
  });
}

/**
 * Incentive progress and conversion counters.
 *
 * - Window progress: one item per user, rule and window in the user's partition, holding the
 *   window's event keys up to the rule's count (so a heavy user's item stays small). It is also
 *   the exposure record of that window.
 * - Conversion: "exposed" and "completed" are distinct users, counted once per user and rule by
 *   a marker item written in the same transaction as an increment of a counter sharded by user
 *   hash (16 shards: no hot partition, and the report is 16 reads per rule instead of a Scan).
 */
export class DynamoIncentiveStore implements IncentiveStore {
  constructor(private readonly tables: LoyaltyTables) {}

  /** Adds an event to its window unless the window already holds `count` events. */
  async countInWindow(input: { userId: string; ruleId: string; windowKey: string; event: IncentiveEvent; count: number }): Promise<WindowProgress> {
    const Key = { pk: loyaltyKeys.userPk(input.userId), sk: loyaltyKeys.incentiveWindowSk(input.ruleId, input.windowKey) };
    const eventKey = `${input.event.occurredAt}${SEPARATOR}${input.event.eventId}`;
    try {
      const answer = await this.tables.client.send(
        new UpdateCommand({
          TableName: this.tables.usersTable,
          Key,
          UpdateExpression: 'ADD eventIds :id, eventKeys :key',
          ConditionExpression: 'attribute_not_exists(eventIds) OR (size(eventIds) < :count AND attribute_not_exists(settled))',
          ExpressionAttributeValues: { ':id': new Set([input.event.eventId]), ':key': new Set([eventKey]), ':count': input.count },
          ReturnValues: 'ALL_OLD',
        }),
      );
      const idsBefore = (answer.Attributes?.eventIds as Set<string> | undefined) ?? new Set<string>();
      const keysAfter = new Set((answer.Attributes?.eventKeys as Set<string> | undefined) ?? []).add(eventKey);
      // A retry of the first event (a crash before the exposure was recorded) is still the first.
      const firstInWindow = [...idsBefore].every((id) => id === input.event.eventId);
      return { firstInWindow, distinctEvents: new Set(idsBefore).add(input.event.eventId).size, events: eventsOf(keysAfter, input.event.type), settled: false };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      // Full (or settled): read what it holds, so an evaluation a crash interrupted runs again.
      const read = await this.tables.client.send(new GetCommand({ TableName: this.tables.usersTable, Key, ConsistentRead: true }));
      const item = read.Item;
      return {
        firstInWindow: false,
        distinctEvents: ((item?.eventIds as Set<string> | undefined) ?? new Set()).size,
        events: eventsOf(item?.eventKeys as Set<string> | undefined, input.event.type),
        settled: item?.settled === true,
      };
    }
  }

  /** Marks a full window as evaluated, so later events in it cost one conditional write only. */
  async settleWindow(userId: string, ruleId: string, windowKey: string): Promise<void> {
    await this.tables.client.send(
      new UpdateCommand({
        TableName: this.tables.usersTable,
        Key: { pk: loyaltyKeys.userPk(userId), sk: loyaltyKeys.incentiveWindowSk(ruleId, windowKey) },
        UpdateExpression: 'SET settled = :true',
        ExpressionAttributeValues: { ':true': true },
      }),
    );
  }

  /** Counts the user as exposed to the rule, once ever. */
  recordExposure(userId: string, ruleId: string, at: Date): Promise<'counted' | 'already-counted'> {
    return this.countUserOnce(userId, ruleId, 'exposed', at);
  }

  /** Counts the user as having completed the rule, once ever. */
  recordCompletion(userId: string, ruleId: string, at: Date): Promise<'counted' | 'already-counted'> {
    return this.countUserOnce(userId, ruleId, 'completed', at);
  }

  private async countUserOnce(userId: string, ruleId: string, counter: 'exposed' | 'completed', at: Date): Promise<'counted' | 'already-counted'> {
    const shard = shardOf(userId, INCENTIVE_STATS_SHARDS);
    try {
      await this.tables.client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tables.usersTable,
                Item: { pk: loyaltyKeys.userPk(userId), sk: loyaltyKeys.incentiveMarkerSk(ruleId, counter), at: at.toISOString() },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            {
              Update: {
                TableName: this.tables.operationsTable,
                Key: { pk: loyaltyKeys.incentiveStatsPk(ruleId, shard), sk: loyaltyKeys.incentiveStatsSk },
                UpdateExpression: 'ADD #counter :one',
                ExpressionAttributeNames: { '#counter': counter },
                ExpressionAttributeValues: { ':one': 1 },
              },
            },
          ],
        }),
      );
      return 'counted';
    } catch (error) {
      const reasons = cancellationReasons(error);
      if (reasons?.[0]?.code === 'ConditionalCheckFailed') return 'already-counted';
      throw error;
    }
  }

  /** Each rule's conversion, from its counter shards (one BatchGet per rule). */
  async conversions(ruleIds: readonly string[]): Promise<IncentiveConversion[]> {
    return Promise.all(
      ruleIds.map(async (ruleId) => {
        let pendingKeys: Record<string, unknown>[] = Array.from({ length: INCENTIVE_STATS_SHARDS }, (_, shard) => ({
          pk: loyaltyKeys.incentiveStatsPk(ruleId, shard),
          sk: loyaltyKeys.incentiveStatsSk,
        }));
        let exposed = 0;
        let completed = 0;
        while (pendingKeys.length > 0) {
          const answer = await this.tables.client.send(
            new BatchGetCommand({ RequestItems: { [this.tables.operationsTable]: { Keys: pendingKeys, ConsistentRead: true } } }),
          );
          for (const item of answer.Responses?.[this.tables.operationsTable] ?? []) {
            exposed += Number(item.exposed ?? 0);
            completed += Number(item.completed ?? 0);
          }
          pendingKeys = (answer.UnprocessedKeys?.[this.tables.operationsTable]?.Keys ?? []) as Record<string, unknown>[];
        }
        return incentiveConversionFromCounts(ruleId, exposed, completed);
      }),
    );
  }
}
