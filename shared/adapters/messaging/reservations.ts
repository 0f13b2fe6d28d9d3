import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { messageIdFor, ReservationState, type ReserveResult, type SendReservations, type StuckSend, type StuckSends } from '../../domain/messaging';
import { keys } from '../dynamodb/keys';
import { CorruptMessagingItemError } from './errors';
import { messagingKeys, SENDING_INDEX_NAME, SENDING_SHARDS, sendingShardOf } from './keys';

/** How long a reservation item outlives its last write: far beyond any retry of the same key. */
const RESERVATION_RETENTION_DAYS = 400;

/**
 * Idempotency keys of one user's messages, under the user's partition. Both writes are single
 * conditional puts, so the check and the write are one atomic step in DynamoDB: that is the whole
 * guarantee against a duplicate send.
 */
export class DynamoSendReservations implements SendReservations {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly usersTable: string,
    private readonly userId: string,
  ) {}

  private key(idempotencyKey: string) {
    return { pk: keys.userPk(this.userId), sk: messagingKeys.reservationSk(messageIdFor(idempotencyKey)) };
  }

  private item(idempotencyKey: string, state: ReservationState, now: Date) {
    return {
      ...this.key(idempotencyKey),
      idempotencyKey,
      userId: this.userId,
      ...state,
      // Puts the key in the sparse SendingIndex (sort key: sendingSince) while, and only while, it
      // is inside a provider call; the next state's put drops the attribute and so the index entry.
      ...(state.status === 'sending' ? { sendingShard: messagingKeys.sendingShard(sendingShardOf(messageIdFor(idempotencyKey))) } : {}),
      expiresAt: Math.floor(now.getTime() / 1000) + RESERVATION_RETENTION_DAYS * 86_400,
    };
  }

  async find(idempotencyKey: string): Promise<ReservationState | undefined> {
    const answer = await this.client.send(new GetCommand({ TableName: this.usersTable, Key: this.key(idempotencyKey), ConsistentRead: true }));
    return answer.Item === undefined ? undefined : parseState(answer.Item);
  }

  async reserve(idempotencyKey: string, claim: Extract<ReservationState, { status: 'reserved' }>, now: Date): Promise<ReserveResult> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.usersTable,
          Item: this.item(idempotencyKey, claim, now),
          // Exactly isReservable(): no state, released, or a reservation whose lease ran out.
          ConditionExpression: 'attribute_not_exists(pk) OR #status = :released OR (#status = :reserved AND leaseExpiresAt <= :now)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':released': 'released', ':reserved': 'reserved', ':now': now.toISOString() },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { kind: 'reserved' };
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const stored = error.Item ? parseState(unmarshall(error.Item as Record<string, AttributeValue>)) : await this.find(idempotencyKey);
      if (stored === undefined) throw new CorruptMessagingItemError('reservation (condition failed yet no item)', { cause: error });
      return { kind: 'already', state: stored };
    }
  }

  async transition(
    idempotencyKey: string,
    expected: { status: 'reserved' | 'sending'; attemptId: string },
    next: ReservationState,
  ): Promise<'ok' | 'conflict'> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.usersTable,
          // Housekeeping TTL only, so wall time is fine here.
          Item: this.item(idempotencyKey, next, new Date()),
          // The attempt id fences a stale attempt whose lease was taken over.
          ConditionExpression: '#status = :expected AND attemptId = :attemptId',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':expected': expected.status, ':attemptId': expected.attemptId },
        }),
      );
      return 'ok';
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return 'conflict';
      throw error;
    }
  }
}

/**
 * Reservations stuck in `sending`, from the sparse SendingIndex: every shard is queried in parallel
 * for keys whose `sendingSince` is at or before the cutoff, oldest first. The index is eventually
 * consistent and keys only, so each key is read again, consistently, from the table; a key that has
 * meanwhile left `sending` is dropped.
 */
export class DynamoStuckSends implements StuckSends {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly usersTable: string,
    /** Bounds one run; what is left stays in the index for the next run. */
    private readonly limitPerShard: number,
  ) {}

  async listSendingSince(cutoff: Date): Promise<readonly StuckSend[]> {
    const perShard = await Promise.all(Array.from({ length: SENDING_SHARDS }, (_, shard) => this.shard(shard, cutoff)));
    return perShard.flat();
  }

  private async shard(shard: number, cutoff: Date): Promise<StuckSend[]> {
    const found: StuckSend[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.usersTable,
          IndexName: SENDING_INDEX_NAME,
          KeyConditionExpression: 'sendingShard = :shard AND sendingSince <= :cutoff',
          ExpressionAttributeValues: { ':shard': messagingKeys.sendingShard(shard), ':cutoff': cutoff.toISOString() },
          Limit: this.limitPerShard - found.length,
          ExclusiveStartKey: startKey,
        }),
      );
      for (const key of page.Items ?? []) {
        const stuck = await this.reread({ pk: key.pk, sk: key.sk });
        if (stuck) found.push(stuck);
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey && found.length < this.limitPerShard);
    return found;
  }

  private async reread(key: { pk: unknown; sk: unknown }): Promise<StuckSend | undefined> {
    const answer = await this.client.send(new GetCommand({ TableName: this.usersTable, Key: key, ConsistentRead: true }));
    const item = answer.Item;
    if (item === undefined) return undefined;
    const state = parseState(item);
    if (state.status !== 'sending') return undefined;
    if (typeof item.userId !== 'string' || typeof item.idempotencyKey !== 'string')
      throw new CorruptMessagingItemError('reservation (no user or idempotency key)');
    return { userId: item.userId, idempotencyKey: item.idempotencyKey, messageId: messageIdFor(item.idempotencyKey), state };
  }
}

function parseState(item: Record<string, unknown>): ReservationState {
  const parsed = ReservationState.safeParse(item);
  if (!parsed.success) throw new CorruptMessagingItemError('reservation', { cause: parsed.error });
  return parsed.data;
}
