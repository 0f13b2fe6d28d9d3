import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  Coupon,
  DrawEntry,
  Referral,
  type BudgetedIssueOutcome,
  type CodeAssignment,
  type CouponStore,
  type DrawEntryStore,
  type DrawResult,
  type GrowthLevelChanged,
  type LevelChangeLog,
  type ReferralStore,
  type RewardBudgetStore,
} from '../../domain/loyalty';
import { DRAW_SHARDS, loyaltyKeys, shardOf } from './loyalty-keys';
import { cancellationReasons, conflictBackoff, isTransactionConflict, TransactionContentionError } from '../dynamodb/transaction-cancellation';

/** The tables the loyalty adapters write to. */
export interface LoyaltyTables {
  readonly client: DynamoDBDocumentClient;
  readonly usersTable: string;
  readonly operationsTable: string;
}

const MAX_CONFLICT_ATTEMPTS = 8;

/** Puts an item once: true when written, false when an item with its key already existed. */
async function putOnce(client: DynamoDBDocumentClient, tableName: string, item: Record<string, unknown>): Promise<boolean> {
  try {
    await client.send(new PutCommand({ TableName: tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' }));
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}

async function queryAll(
  client: DynamoDBDocumentClient,
  input: { TableName: string; KeyConditionExpression: string; ExpressionAttributeValues: Record<string, unknown>; ConsistentRead?: boolean },
) {
  const items: Record<string, unknown>[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await client.send(new QueryCommand({ ...input, ExclusiveStartKey: startKey }));
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items;
}

/** Coupons under the user's partition; amount-off coupons can be issued against the month's budget. */
export class DynamoCouponStore implements CouponStore {
  constructor(private readonly tables: LoyaltyTables) {}

  private itemOf(coupon: Coupon) {
    const valid = Coupon.parse(coupon);
    return { pk: loyaltyKeys.userPk(valid.userId), sk: loyaltyKeys.couponSk(valid.id), coupon: valid };
  }

  async issue(coupon: Coupon): Promise<'issued' | 'already-issued'> {
    return (await putOnce(this.tables.client, this.tables.usersTable, this.itemOf(coupon))) ? 'issued' : 'already-issued';
  }

  /**
   * Issues the coupon and adds `cost` to the month's spend in one transaction, on condition that
   * the coupon is new and the spend stays within `monthlyBudget`. Spending first and issuing after
   * would count a duplicate coupon against the budget; one transaction cannot.
   */
  async issueWithinBudget(coupon: Coupon, month: string, cost: number, monthlyBudget: number): Promise<BudgetedIssueOutcome> {
    for (let attempt = 1; attempt <= MAX_CONFLICT_ATTEMPTS; attempt += 1) {
      try {
        await this.tables.client.send(
          new TransactWriteCommand({
            TransactItems: [
              { Put: { TableName: this.tables.usersTable, Item: this.itemOf(coupon), ConditionExpression: 'attribute_not_exists(pk)' } },
              {
                Update: {
                  TableName: this.tables.operationsTable,
                  Key: { pk: loyaltyKeys.budgetPk(month), sk: loyaltyKeys.budgetSk },
                  UpdateExpression: 'SET spent = if_not_exists(spent, :zero) + :cost',
                  ConditionExpression: 'attribute_not_exists(spent) OR spent <= :room',
                  ExpressionAttributeValues: { ':zero': 0, ':cost': cost, ':room': monthlyBudget - cost },
                },
              },
            ],
          }),
        );
        return 'issued';
      } catch (error) {
        const reasons = cancellationReasons(error);
        if (!reasons) throw error;
        if (isTransactionConflict(reasons)) {
          await conflictBackoff(attempt);
          continue;
        }
        if (reasons[0]?.code === 'ConditionalCheckFailed') return 'already-issued';
        if (reasons[1]?.code === 'ConditionalCheckFailed') return 'no-room';
        throw error;
      }
    }
    throw new TransactionContentionError(`budgeted coupon ${coupon.id}`, MAX_CONFLICT_ATTEMPTS);
  }

  async couponsOf(userId: string): Promise<readonly Coupon[]> {
    const items = await queryAll(this.tables.client, {
      TableName: this.tables.usersTable,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': loyaltyKeys.userPk(userId), ':prefix': loyaltyKeys.couponPrefix },
      ConsistentRead: true,
    });
    return items.map((item) => Coupon.parse(item.coupon)).sort((a, b) => a.issuedAt.localeCompare(b.issuedAt));
  }
}

/** The monthly reward budget's spend, and the coupons waiting for a later month's budget. */
export class DynamoRewardBudget implements RewardBudgetStore {
  constructor(private readonly tables: LoyaltyTables) {}

  async spent(month: string): Promise<number> {
    const answer = await this.tables.client.send(
      new GetCommand({ TableName: this.tables.operationsTable, Key: { pk: loyaltyKeys.budgetPk(month), sk: loyaltyKeys.budgetSk }, ConsistentRead: true }),
    );
    return Number(answer.Item?.spent ?? 0);
  }

  /** Holds a coupon for `month`'s budget; once per coupon id and month. */
  async queue(coupon: Coupon, month: string, at: Date): Promise<'queued' | 'already-queued'> {
    const item = { pk: loyaltyKeys.queuedPk(month), sk: loyaltyKeys.queuedSk(coupon.id), coupon: Coupon.parse(coupon), queuedAt: at.toISOString() };
    try {
      await this.tables.client.send(new PutCommand({ TableName: this.tables.operationsTable, Item: item, ConditionExpression: 'attribute_not_exists(sk)' }));
      return 'queued';
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return 'already-queued';
      throw error;
    }
  }

  /** Takes a coupon off `month`'s queue once it was issued or moved on. */
  async dequeue(coupon: Coupon, month: string): Promise<void> {
    await this.tables.client.send(
      new DeleteCommand({ TableName: this.tables.operationsTable, Key: { pk: loyaltyKeys.queuedPk(month), sk: loyaltyKeys.queuedSk(coupon.id) } }),
    );
  }

  async queued(month: string): Promise<Coupon[]> {
    const items = await queryAll(this.tables.client, {
      TableName: this.tables.operationsTable,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': loyaltyKeys.queuedPk(month) },
      ConsistentRead: true,
    });
    return items.map((item) => Coupon.parse(item.coupon));
  }
}

/** Draw entries, one per user and month, in partitions sharded by a stable hash of the user id. */
export class DynamoDrawEntryStore implements DrawEntryStore {
  constructor(private readonly tables: LoyaltyTables) {}

  async enter(entry: DrawEntry): Promise<'entered' | 'already-entered'> {
    const valid = DrawEntry.parse(entry);
    const item = { pk: loyaltyKeys.drawEntryPk(valid.month, shardOf(valid.userId, DRAW_SHARDS)), sk: loyaltyKeys.drawEntrySk(valid.userId), entry: valid };
    return (await putOnce(this.tables.client, this.tables.operationsTable, item)) ? 'entered' : 'already-entered';
  }

  async entriesOf(month: string): Promise<readonly DrawEntry[]> {
    const shards = await Promise.all(
      Array.from({ length: DRAW_SHARDS }, (_, shard) =>
        queryAll(this.tables.client, {
          TableName: this.tables.operationsTable,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': loyaltyKeys.drawEntryPk(month, shard) },
          ConsistentRead: true,
        }),
      ),
    );
    return shards.flat().map((item) => DrawEntry.parse(item.entry));
  }

  /** Records a draw once; a second run of the same month answers the first result. */
  async recordResult(result: DrawResult, at: Date): Promise<{ kind: 'recorded' | 'already-drawn'; result: DrawResult }> {
    const item = { pk: loyaltyKeys.drawResultPk(result.month), sk: loyaltyKeys.drawResultSk, result, drawnAt: at.toISOString() };
    if (await putOnce(this.tables.client, this.tables.operationsTable, item)) return { kind: 'recorded', result };
    const existing = await this.resultOf(result.month);
    if (!existing) throw new Error(`draw ${result.month} exists but could not be read back`);
    return { kind: 'already-drawn', result: existing };
  }

  async resultOf(month: string): Promise<DrawResult | undefined> {
    const answer = await this.tables.client.send(
      new GetCommand({
        TableName: this.tables.operationsTable,
        Key: { pk: loyaltyKeys.drawResultPk(month), sk: loyaltyKeys.drawResultSk },
        ConsistentRead: true,
      }),
    );
    return answer.Item ? (answer.Item.result as DrawResult) : undefined;
  }
}

/** Referral codes (code → user in the operations table, user → code under the user) and accepted referrals. */
export class DynamoReferralStore implements ReferralStore {
  constructor(private readonly tables: LoyaltyTables) {}

  /**
   * Both directions of a code in one transaction, so a user never ends up with two codes and a
   * code never points at two users, whatever requests race.
   */
  async assignCode(code: string, userId: string, at: Date): Promise<CodeAssignment> {
    for (let attempt = 1; attempt <= MAX_CONFLICT_ATTEMPTS; attempt += 1) {
      try {
        await this.tables.client.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Put: {
                  TableName: this.tables.operationsTable,
                  Item: { pk: loyaltyKeys.codePk(code), sk: loyaltyKeys.codeSk, userId, createdAt: at.toISOString() },
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
              {
                Put: {
                  TableName: this.tables.usersTable,
                  Item: { pk: loyaltyKeys.userPk(userId), sk: loyaltyKeys.userCodeSk, code, createdAt: at.toISOString() },
                  ConditionExpression: 'attribute_not_exists(pk)',
                },
              },
            ],
          }),
        );
        return 'assigned';
      } catch (error) {
        const reasons = cancellationReasons(error);
        if (!reasons) throw error;
        if (isTransactionConflict(reasons)) {
          await conflictBackoff(attempt);
          continue;
        }
        if (reasons[1]?.code === 'ConditionalCheckFailed') return 'user-has-code';
        if (reasons[0]?.code === 'ConditionalCheckFailed') return 'code-taken';
        throw error;
      }
    }
    throw new TransactionContentionError(`referral code of ${userId}`, MAX_CONFLICT_ATTEMPTS);
  }

  /** The user's code and when it was created, if they have one. */
  async codeOf(userId: string): Promise<{ code: string; createdAt: string } | undefined> {
    const answer = await this.tables.client.send(
      new GetCommand({ TableName: this.tables.usersTable, Key: { pk: loyaltyKeys.userPk(userId), sk: loyaltyKeys.userCodeSk }, ConsistentRead: true }),
    );
    return answer.Item ? { code: String(answer.Item.code), createdAt: String(answer.Item.createdAt) } : undefined;
  }

  async userForCode(code: string): Promise<string | undefined> {
    const answer = await this.tables.client.send(
      new GetCommand({ TableName: this.tables.operationsTable, Key: { pk: loyaltyKeys.codePk(code), sk: loyaltyKeys.codeSk } }),
    );
    return answer.Item ? String(answer.Item.userId) : undefined;
  }

  async referralOf(refereeId: string): Promise<Referral | undefined> {
    const answer = await this.tables.client.send(
      new GetCommand({ TableName: this.tables.usersTable, Key: { pk: loyaltyKeys.userPk(refereeId), sk: loyaltyKeys.referredBySk }, ConsistentRead: true }),
    );
    return answer.Item ? Referral.parse(answer.Item.referral) : undefined;
  }

  async record(referral: Referral): Promise<'recorded' | 'already-referred'> {
    const valid = Referral.parse(referral);
    const item = { pk: loyaltyKeys.userPk(valid.refereeId), sk: loyaltyKeys.referredBySk, referral: valid };
    return (await putOnce(this.tables.client, this.tables.usersTable, item)) ? 'recorded' : 'already-referred';
  }
}

/** Growth level-change events, kept under the user (once per causing entry). */
export class DynamoLevelChanges implements LevelChangeLog {
  constructor(private readonly tables: LoyaltyTables) {}

  private keyOf(userId: string, changeId: string) {
    return { pk: loyaltyKeys.userPk(userId), sk: loyaltyKeys.levelChangeSk(changeId) };
  }

  async record(change: GrowthLevelChanged): Promise<'recorded' | 'already-recorded'> {
    const item = { ...this.keyOf(change.userId, change.eventId), change, published: false };
    return (await putOnce(this.tables.client, this.tables.usersTable, item)) ? 'recorded' : 'already-recorded';
  }

  async unpublished(userId: string, changeId: string): Promise<GrowthLevelChanged | undefined> {
    const answer = await this.tables.client.send(
      new GetCommand({ TableName: this.tables.usersTable, Key: this.keyOf(userId, changeId), ConsistentRead: true }),
    );
    if (!answer.Item || answer.Item.published === true) return undefined;
    return answer.Item.change as GrowthLevelChanged;
  }

  async markPublished(change: GrowthLevelChanged): Promise<void> {
    await this.tables.client.send(
      new UpdateCommand({
        TableName: this.tables.usersTable,
        Key: this.keyOf(change.userId, change.eventId),
        UpdateExpression: 'SET published = :true',
        ExpressionAttributeValues: { ':true': true },
      }),
    );
  }
}
