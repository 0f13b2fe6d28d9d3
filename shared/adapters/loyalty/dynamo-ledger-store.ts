import { GetCommand, QueryCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  EMPTY_BALANCE,
  LedgerEntry,
  balanceDeltaOf,
  type AppendConditions,
  type AppendOutcome,
  type GrantCap,
  type LedgerAccount,
  type LedgerBalance,
  type LoyaltyLedger,
} from '../../domain/loyalty';
import { loyaltyKeys, shardOf, WAKE_SHARDS } from './loyalty-keys';
import {
  cancellationReasons,
  conflictBackoff,
  isTransactionConflict,
  TransactionContentionError,
  type CancellationReason,
} from '../dynamodb/transaction-cancellation';

const MAX_ATTEMPTS = 8;

/** Condition clauses on the balance item, named so the transaction reads as the ledger rule. */
const balanceClauses = {
  coversDebit: '#amount >= :needed',
  isFirstEntry: 'attribute_not_exists(#version)',
  hasVersion: '#version = :expected',
} as const;

/** Condition clauses on a cap's counter item (joined with OR). */
const capClauses = {
  isFirstGrant: 'attribute_not_exists(#grants)',
  isBelowCap: '#grants < :max',
} as const;

/**
 * The append-only ledger in the users table: each entry and its balance change in ONE
 * TransactWriteItems (see `LedgerStore` TSDoc for the contract).
 *
 * Every append is conditioned on a balance version: the caller's, or, when the caller gives none,
 * the version this adapter has just read. TransactWriteItems returns no values, and that is the
 * only way to answer the exact balance the entry produced (a read afterwards could already include
 * a concurrent entry). A version moved by someone else is retried here, so for an unconditioned
 * append the caller only ever sees `appended`, `already-granted`, `insufficient-balance` or, with
 * a cap, `cap-reached`.
 */
export class DynamoLedgerStore implements LoyaltyLedger {
  /**
   * @param expiryWakeOf when a grant arms the user's points-expiry watch (see `expiryWatchWakeOf`);
   * none: grants arm nothing.
   */
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly expiryWakeOf: (entry: LedgerEntry) => Date | undefined = () => undefined,
  ) {}

  async append(entry: LedgerEntry, conditions: AppendConditions = {}): Promise<AppendOutcome> {
    const valid = LedgerEntry.parse(entry);
    const { expectedBalanceVersion, cap } = conditions;
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt += 1) {
      const read = await this.balance(valid.userId, valid.account);
      const expected = expectedBalanceVersion ?? read.version;
      const outcome = await this.tryAppend(valid, expected, read.version === expected ? read.amount : undefined, cap);
      if (outcome === 'conflict') {
        await conflictBackoff(attempt);
        continue;
      }
      if (outcome.kind === 'balance-version-mismatch' && expectedBalanceVersion === undefined) continue;
      return outcome;
    }
    throw new TransactionContentionError(`ledger append ${valid.id}`, MAX_ATTEMPTS);
  }

  /** `amountAtExpected`: the amount read at `expectedVersion`, when the read saw that version. */
  private async tryAppend(
    entry: LedgerEntry,
    expectedVersion: number,
    amountAtExpected: number | undefined,
    cap: GrantCap | undefined,
  ): Promise<AppendOutcome | 'conflict'> {
    const pk = loyaltyKeys.userPk(entry.userId);
    const delta = balanceDeltaOf(entry);
    const clauses: string[] = [expectedVersion === 0 ? balanceClauses.isFirstEntry : balanceClauses.hasVersion];
    const values: Record<string, unknown> = { ':delta': delta, ':zero': 0, ':one': 1, ':userId': entry.userId, ':account': entry.account };
    if (expectedVersion !== 0) values[':expected'] = expectedVersion;
    if (delta < 0) {
      clauses.push(balanceClauses.coversDebit);
      values[':needed'] = -delta;
    }
    try {
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tableName,
                Item: { pk, sk: loyaltyKeys.ledgerSk(entry.id), entry, kind: entry.kind, account: entry.account, occurredAt: entry.occurredAt },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            {
              Update: {
                TableName: this.tableName,
                Key: { pk, sk: loyaltyKeys.balanceSk(entry.account) },
                UpdateExpression:
                  'SET #amount = if_not_exists(#amount, :zero) + :delta, #version = if_not_exists(#version, :zero) + :one, userId = :userId, account = :account',
                ConditionExpression: clauses.join(' AND '),
                ExpressionAttributeNames: { '#amount': 'amount', '#version': 'version' },
                ExpressionAttributeValues: values,
                ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
              },
            },
            ...(cap ? [this.capCount(pk, cap)] : []),
            ...this.armExpiryWatch(pk, entry),
          ],
        }),
      );
      const before = amountAtExpected ?? (await this.balanceBefore(expectedVersion, entry));
      return { kind: 'appended', entryId: entry.id, balance: { amount: before + delta, version: expectedVersion + 1 } };
    } catch (error) {
      const reasons = cancellationReasons(error);
      if (!reasons) throw error;
      if (isTransactionConflict(reasons)) return 'conflict';
      return this.refusal(entry, expectedVersion, reasons, cap);
    }
  }

  /** Counts the entry against its cap, refused once `max` entries were counted (third transaction item). */
  private capCount(pk: string, cap: GrantCap) {
    return {
      Update: {
        TableName: this.tableName,
        Key: { pk, sk: loyaltyKeys.grantCapSk(cap.key) },
        UpdateExpression: 'ADD #grants :one',
        ConditionExpression: [capClauses.isFirstGrant, capClauses.isBelowCap].join(' OR '),
        ExpressionAttributeNames: { '#grants': 'grants' },
        ExpressionAttributeValues: { ':one': 1, ':max': cap.max },
      },
    };
  }

  /**
   * Arms the points-expiry watch with the grant's notice time unless it is armed already (an
   * earlier grant's is sooner), and counts the grant, so the sweep's reschedule, conditional on
   * the count it read, never drops a grant it did not see. Last item: it has no condition, so
   * the cancellation reasons of the others keep their places.
   */
  private armExpiryWatch(pk: string, entry: LedgerEntry) {
    const wakeAt = this.expiryWakeOf(entry);
    if (!wakeAt) return [];
    return [
      {
        Update: {
          TableName: this.tableName,
          Key: { pk, sk: loyaltyKeys.expiryWatchSk },
          UpdateExpression: 'SET wakeAt = if_not_exists(wakeAt, :wakeAt), wakeShard = if_not_exists(wakeShard, :shard) ADD #grants :one',
          ExpressionAttributeNames: { '#grants': 'grants' },
          ExpressionAttributeValues: { ':wakeAt': wakeAt.toISOString(), ':shard': loyaltyKeys.wakeShard(shardOf(entry.userId, WAKE_SHARDS)), ':one': 1 },
        },
      },
    ];
  }

  /**
   * The amount the balance had at `expectedVersion`, when the caller's version was not the one
   * read before the commit (rare). Right after the commit the version is expected + 1 and the
   * amount before is amount − delta; if a later entry already landed, history gives it.
   */
  private async balanceBefore(expectedVersion: number, entry: LedgerEntry): Promise<number> {
    if (expectedVersion === 0) return 0;
    const stored = await this.balance(entry.userId, entry.account);
    if (stored.version === expectedVersion + 1) return stored.amount - balanceDeltaOf(entry);
    // Someone appended right after us: rebuild from history, which is exact whatever happened since.
    const history = await this.history(entry.userId);
    const index = history.findIndex((candidate) => candidate.id === entry.id);
    return history
      .slice(0, index === -1 ? history.length : index)
      .filter((candidate) => candidate.account === entry.account)
      .reduce((sum, candidate) => sum + balanceDeltaOf(candidate), 0);
  }

  /**
   * Turns a cancelled transaction into the ledger outcome, in `decideAppend`'s order (which is the
   * items' order: entry, balance, cap). A repeated id is `already-granted` whatever else failed,
   * and since the whole transaction was cancelled its cap counter did not move.
   */
  private refusal(entry: LedgerEntry, expectedVersion: number, reasons: readonly CancellationReason[], cap: GrantCap | undefined): AppendOutcome {
    const [entryReason, balanceReason, capReason] = reasons;
    if (entryReason?.code === 'ConditionalCheckFailed') return { kind: 'already-granted', entryId: entry.id };
    if (balanceReason?.code !== 'ConditionalCheckFailed') {
      if (cap && capReason?.code === 'ConditionalCheckFailed') return { kind: 'cap-reached', entryId: entry.id, capKey: cap.key, max: cap.max };
      throw new Error(`ledger append ${entry.id} cancelled for an unexpected reason: ${reasons.map((reason) => reason.code).join(', ')}`);
    }
    const old: LedgerBalance = {
      amount: Number(balanceReason.item?.amount ?? 0),
      version: Number(balanceReason.item?.version ?? 0),
    };
    if (old.version !== expectedVersion) {
      return { kind: 'balance-version-mismatch', entryId: entry.id, expectedVersion, actualVersion: old.version };
    }
    return { kind: 'insufficient-balance', entryId: entry.id, balance: old, requested: -balanceDeltaOf(entry) };
  }

  async balance(userId: string, account: LedgerAccount): Promise<LedgerBalance> {
    const answer = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: loyaltyKeys.userPk(userId), sk: loyaltyKeys.balanceSk(account) }, ConsistentRead: true }),
    );
    if (!answer.Item) return EMPTY_BALANCE;
    return { amount: Number(answer.Item.amount), version: Number(answer.Item.version) };
  }

  async history(userId: string): Promise<readonly LedgerEntry[]> {
    return this.entriesWithIdPrefix(userId, '');
  }

  /** The user's entries whose id starts with `idPrefix` (e.g. one incentive rule's grants), oldest first. */
  async entriesWithIdPrefix(userId: string, idPrefix: string): Promise<readonly LedgerEntry[]> {
    const entries: LedgerEntry[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': loyaltyKeys.userPk(userId), ':prefix': loyaltyKeys.ledgerPrefix + idPrefix },
          ProjectionExpression: 'entry',
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) entries.push(LedgerEntry.parse(item.entry));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    // Keys sort by id; the ledger reads oldest first.
    return entries.sort((a, b) => a.occurredAt.localeCompare(b.occurredAt) || a.id.localeCompare(b.id));
  }
}
