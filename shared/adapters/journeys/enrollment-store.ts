import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import {
  CorruptJourneyItem,
  ExitRecord,
  JourneyMember,
  ReentryRefusal,
  StepRecord,
  type EnrollmentStore,
  type EnrollOnceOutcome,
  type EnrollOptions,
  type EntryHistory,
  type UserJourneyRecords,
} from '../../domain/journeys';
import { batchGet, batchPut } from '../dynamodb/batch';
import { chunk, forEachConcurrently } from '../dynamodb/client';
import {
  cancellationReasons,
  conflictBackoff,
  RETRYABLE_CANCELLATION_CODES,
  TransactionContentionError,
  type CancellationReason,
} from '../dynamodb/transaction-cancellation';
import { journeyKeys } from './journey-keys';

/** Condition clauses of the enrollment writes, named so the transaction reads as the rule. */
const enrollmentClauses = {
  /** Neither the member item nor the enrollment record may exist: a membership is written once. */
  absent: 'attribute_not_exists(pk)',
} as const;

/** Conditions of the re-entry writes. */
const entryClauses = {
  /** The record shows the entries the decision was made on: two events re-entering at once write one entry. */
  stillAtEntries: 'entries = :previous',
  /** The entry being left is the latest: a record without entries (a launch's member) is its first. */
  currentEntry: 'attribute_exists(pk) AND (entries = :entry OR (attribute_not_exists(entries) AND :entry = :one))',
} as const;

/** The enrollment record as re-entry reads it: a launch's first enrollment has no entry fields (its one entry). */
const StoredEntryHistory = z
  .object({
    enrolledAt: z.string(),
    entries: z.number().int().min(1).default(1),
    lastEnteredAt: z.string().optional(),
    lastEntryEventId: z.string().optional(),
    lastExitAt: z.string().optional(),
    lastExitEntry: z.number().int().optional(),
  })
  .transform((item) => ({ ...item, lastEnteredAt: item.lastEnteredAt ?? item.enrolledAt }));

/** Transactions in flight at once while enrolling members one by one. */
const ENROLL_CONCURRENCY = 32;
/** Members per group transaction: 2 items each, under TransactWriteItems' 100. */
const MEMBERS_PER_TRANSACTION = 25;
/** Group transactions in flight at once while enrolling a launch's page. */
const GROUP_CONCURRENCY = 8;
const MAX_ATTEMPTS = 8;
/** BatchGetItem / BatchWriteItem calls in flight on the sole enroller's path. */
const BATCH_CONCURRENCY = 8;
/** Items per BatchWriteItem. */
const WRITES_PER_BATCH = 25;

/**
 * Per-user journey records under the user's own partition, and the journey's member items they
 * are written with (layout in journey-keys.ts).
 */
export class DynamoEnrollmentStore implements EnrollmentStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tables: { users: string; operations: string },
  ) {}

  /**
   * Enrolls each member once: the journey's member item and the enrollment record under the user
   * are written together in one transaction, each only if absent. A user who is already a member
   * keeps the first enrollment (time, tier, holdout) and is answered `already-enrolled` with it.
   * A condition, not a read before the write, decides, so concurrent enrollments of the same user
   * (a hand-over and a TierChanged at once) cannot both win. Distinct members go in group
   * transactions of {@link MEMBERS_PER_TRANSACTION} (2 write units per item, as one by one);
   * outcomes come in the members' order.
   */
  async enrollOnce(
    journeyId: string,
    members: readonly JourneyMember[],
    executionNameOf: (userId: string) => string,
    options: EnrollOptions = {},
  ): Promise<EnrollOnceOutcome[]> {
    const outcomes = new Map<string, EnrollOnceOutcome>();
    const distinct = new Set(members.map((member) => member.userId)).size === members.length;
    if (options.soleEnroller && distinct) return this.enrollAsSoleEnroller(journeyId, members, executionNameOf, options.firstAttempt ?? false);
    if (!distinct || members.length < 2) {
      await forEachConcurrently(members, ENROLL_CONCURRENCY, async (member) => {
        outcomes.set(member.userId, await this.enrollOne(journeyId, member, executionNameOf(member.userId)));
      });
    } else {
      await forEachConcurrently(chunk(members, MEMBERS_PER_TRANSACTION), GROUP_CONCURRENCY, async (group) => {
        for (const [userId, outcome] of await this.enrollGroup(journeyId, group, executionNameOf)) outcomes.set(userId, outcome);
      });
    }
    return members.map((member) => outcomes.get(member.userId)!);
  }

  /**
   * The sole enroller's path (see {@link EnrollOptions.soleEnroller}): one consistent BatchGetItem
   * per 100 members finds the enrollment records already there (none can be on a first attempt,
   * which skips the read), then BatchWriteItem writes the missing ones: about the write units and
   * round trips of plain batch writes, where a transaction per group costs several times more.
   * Each batch of member items is written before the enrollment records of the same members, so a
   * record that exists has its member item (as the transactions keep it); a page cut off between
   * the two is done again, and what was read absent is still absent when written, there being no
   * other enroller. A member whose record exists is answered `already-enrolled` with it and left
   * alone (a step may have added its exit since).
   */
  private async enrollAsSoleEnroller(
    journeyId: string,
    members: readonly JourneyMember[],
    executionNameOf: (userId: string) => string,
    firstAttempt: boolean,
  ): Promise<EnrollOnceOutcome[]> {
    const stored = firstAttempt
      ? []
      : await batchGet(
          this.client,
          this.tables.users,
          members.map((member) => ({ pk: journeyKeys.userPk(member.userId), sk: journeyKeys.enrollmentSk(journeyId) })),
          { consistentRead: true, concurrency: BATCH_CONCURRENCY },
        );
    const enrolled = new Map(stored.map((item) => [String(item.userId), parseWith(JourneyMember, item)]));
    const absent = members.filter((member) => !enrolled.has(member.userId));
    await forEachConcurrently(chunk(absent, WRITES_PER_BATCH), BATCH_CONCURRENCY, async (batch) => {
      await batchPut(
        this.client,
        this.tables.operations,
        batch.map((member) => this.memberItem(journeyId, member)),
        1,
      );
      await batchPut(
        this.client,
        this.tables.users,
        batch.map((member) => this.enrollmentItem(journeyId, member, executionNameOf(member.userId))),
        1,
      );
    });
    return members.map((member): EnrollOnceOutcome => {
      const found = enrolled.get(member.userId);
      return found ? { kind: 'already-enrolled', member: found } : { kind: 'enrolled', member };
    });
  }

  /**
   * Enrolls a group of distinct members in one transaction, each item only if absent: a launch's
   * fresh members cost one call per group instead of one per member. When a condition fails, the
   * members whose items exist are resolved one by one (they are answered `already-enrolled` with
   * what is stored) and the others are tried again as a group; contention falls back to one
   * transaction per member, each with its own backoff.
   */
  private async enrollGroup(
    journeyId: string,
    group: readonly JourneyMember[],
    executionNameOf: (userId: string) => string,
  ): Promise<Map<string, EnrollOnceOutcome>> {
    const outcomes = new Map<string, EnrollOnceOutcome>();
    const one = async (members: readonly JourneyMember[]) =>
      forEachConcurrently(members, ENROLL_CONCURRENCY, async (member) => {
        outcomes.set(member.userId, await this.enrollOne(journeyId, member, executionNameOf(member.userId)));
      });
    if (group.length < 2) {
      await one(group);
      return outcomes;
    }
    try {
      await this.client.send(
        new TransactWriteCommand({ TransactItems: group.flatMap((member) => this.enrollmentPuts(journeyId, member, executionNameOf(member.userId))) }),
      );
      for (const member of group) outcomes.set(member.userId, { kind: 'enrolled', member });
      return outcomes;
    } catch (error) {
      const reasons = cancellationReasons(error);
      if (!reasons) throw error;
      const refused = group.filter((_, i) => reasons[2 * i]?.code === 'ConditionalCheckFailed' || reasons[2 * i + 1]?.code === 'ConditionalCheckFailed');
      if (refused.length === 0) {
        if (!reasons.some((reason) => RETRYABLE_CANCELLATION_CODES.has(reason.code ?? ''))) throw error;
        await one(group);
        return outcomes;
      }
      await one(refused);
      const rest = group.filter((member) => !refused.includes(member));
      for (const [userId, outcome] of await this.enrollGroup(journeyId, rest, executionNameOf)) outcomes.set(userId, outcome);
      return outcomes;
    }
  }

  /** The member item and the enrollment record of one member, each written only if absent. */
  private enrollmentPuts(journeyId: string, member: JourneyMember, executionName: string, entryFields: Record<string, unknown> = {}) {
    return [
      {
        Put: {
          TableName: this.tables.operations,
          Item: this.memberItem(journeyId, member),
          ConditionExpression: enrollmentClauses.absent,
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
        },
      },
      {
        Put: {
          TableName: this.tables.users,
          Item: this.enrollmentItem(journeyId, member, executionName, entryFields),
          ConditionExpression: enrollmentClauses.absent,
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
        },
      },
    ];
  }

  /** The journey's member item (sharded by user), as the report, stop and the rollout list members. */
  private memberItem(journeyId: string, member: JourneyMember) {
    return { pk: journeyKeys.memberPk(journeyId, journeyKeys.memberShardOf(member.userId)), sk: member.userId, ...member };
  }

  /** The enrollment record under the user: the member, the journey and the execution's name (none for the holdout). */
  private enrollmentItem(journeyId: string, member: JourneyMember, executionName: string, entryFields: Record<string, unknown> = {}) {
    return {
      pk: journeyKeys.userPk(member.userId),
      sk: journeyKeys.enrollmentSk(journeyId),
      journeyId,
      ...member,
      executionName: member.holdout ? null : executionName,
      ...entryFields,
    };
  }

  private async enrollOne(journeyId: string, member: JourneyMember, executionName: string): Promise<EnrollOnceOutcome> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.client.send(new TransactWriteCommand({ TransactItems: this.enrollmentPuts(journeyId, member, executionName) }));
        return { kind: 'enrolled', member };
      } catch (error) {
        const reasons = cancellationReasons(error);
        if (!reasons) throw error;
        if (reasons.some((reason) => reason.code === 'ConditionalCheckFailed'))
          return { kind: 'already-enrolled', member: await this.storedMember(journeyId, member.userId, reasons) };
        if (!reasons.some((reason) => RETRYABLE_CANCELLATION_CODES.has(reason.code ?? ''))) throw error;
        if (attempt + 1 >= MAX_ATTEMPTS) throw new TransactionContentionError(`enrolling ${member.userId} in ${journeyId}`, MAX_ATTEMPTS, { cause: error });
        await conflictBackoff(attempt);
      }
    }
  }

  /** The member as stored: from the refused transaction's old items, else read back. */
  private async storedMember(journeyId: string, userId: string, reasons: readonly CancellationReason[]): Promise<JourneyMember> {
    const [memberReason, enrollmentReason] = reasons;
    let item = memberReason?.item ?? enrollmentReason?.item;
    if (item === undefined) {
      const answer = await this.client.send(
        new GetCommand({
          TableName: this.tables.users,
          Key: { pk: journeyKeys.userPk(userId), sk: journeyKeys.enrollmentSk(journeyId) },
          ConsistentRead: true,
        }),
      );
      item = answer.Item;
    }
    if (item === undefined) throw new CorruptJourneyItem(`enrollment of ${userId} in ${journeyId} was refused as existing, yet neither record is there`);
    return parseWith(JourneyMember, item);
  }

  /** Records what a step did; a retried step overwrites its own record with the same facts. */
  async putStep(journeyId: string, userId: string, record: StepRecord): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tables.users,
        Item: { pk: journeyKeys.userPk(userId), sk: journeyKeys.stepSk(journeyId, record.stepIndex, record.entry), journeyId, ...record },
      }),
    );
  }

  async putExit(journeyId: string, userId: string, record: ExitRecord): Promise<void> {
    await this.client.send(
      new PutCommand({
        TableName: this.tables.users,
        Item: { pk: journeyKeys.userPk(userId), sk: journeyKeys.exitSk(journeyId, record.entry), journeyId, ...record },
      }),
    );
  }

  async entryHistory(journeyId: string, userId: string): Promise<EntryHistory | undefined> {
    const answer = await this.client.send(
      new GetCommand({ TableName: this.tables.users, Key: { pk: journeyKeys.userPk(userId), sk: journeyKeys.enrollmentSk(journeyId) }, ConsistentRead: true }),
    );
    if (answer.Item === undefined) return undefined;
    const history = StoredEntryHistory.safeParse(answer.Item);
    if (!history.success) throw new CorruptJourneyItem(`enrollment of ${userId} in ${journeyId} does not parse`, { cause: history.error });
    const { entries, lastEnteredAt, lastEntryEventId, lastExitAt, lastExitEntry } = history.data;
    return { entries, lastEnteredAt, lastEntryEventId, lastExitAt, lastExitEntry };
  }

  /**
   * The first entry: the member item and the enrollment record, each only if absent (as a launch
   * enrolls). A later one: both updated in one transaction, only if the record still shows the
   * entries it was decided on; the record's other attributes (a variant assigned at the first
   * entry, the refused count) are kept.
   */
  async enter(journeyId: string, member: JourneyMember, entry: number, eventId: string, executionName: string): Promise<'entered' | 'changed'> {
    const entryFields = { entries: entry, lastEnteredAt: member.enrolledAt, lastEntryEventId: eventId };
    try {
      if (entry === 1) {
        await this.client.send(new TransactWriteCommand({ TransactItems: this.enrollmentPuts(journeyId, member, executionName, entryFields) }));
        return 'entered';
      }
      await this.client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.tables.users,
                Key: { pk: journeyKeys.userPk(member.userId), sk: journeyKeys.enrollmentSk(journeyId) },
                UpdateExpression:
                  'SET entries = :entry, lastEnteredAt = :at, lastEntryEventId = :event, enrolledAt = :at, holdout = :holdout, tier = :tier, executionName = :name',
                ConditionExpression: entryClauses.stillAtEntries,
                ExpressionAttributeValues: {
                  ':entry': entry,
                  ':previous': entry - 1,
                  ':at': member.enrolledAt,
                  ':event': eventId,
                  ':holdout': member.holdout,
                  ':tier': member.tier,
                  ':name': member.holdout ? null : executionName,
                },
              },
            },
            {
              Update: {
                TableName: this.tables.operations,
                Key: { pk: journeyKeys.memberPk(journeyId, journeyKeys.memberShardOf(member.userId)), sk: member.userId },
                UpdateExpression: 'SET enrolledAt = :at, entries = :entry',
                ExpressionAttributeValues: { ':at': member.enrolledAt, ':entry': entry },
              },
            },
          ],
        }),
      );
      return 'entered';
    } catch (error) {
      const reasons = cancellationReasons(error);
      if (!reasons || !reasons.some((reason) => reason.code === 'ConditionalCheckFailed')) throw error;
      return 'changed';
    }
  }

  /** Only the entry still current: a late record of an earlier entry's end does not start a cooldown over. */
  async recordLeft(journeyId: string, userId: string, entry: number, at: Date): Promise<void> {
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tables.users,
          Key: { pk: journeyKeys.userPk(userId), sk: journeyKeys.enrollmentSk(journeyId) },
          UpdateExpression: 'SET lastExitAt = :at, lastExitEntry = :entry',
          ConditionExpression: entryClauses.currentEntry,
          ExpressionAttributeValues: { ':at': at.toISOString(), ':entry': entry, ':one': 1 },
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return;
      throw error;
    }
  }

  async countRefusedEntry(journeyId: string, userId: string, reason: ReentryRefusal): Promise<void> {
    await Promise.all([
      this.client
        .send(
          new UpdateCommand({
            TableName: this.tables.users,
            Key: { pk: journeyKeys.userPk(userId), sk: journeyKeys.enrollmentSk(journeyId) },
            UpdateExpression: 'ADD refusedEntries :one',
            // Never creates a record: a user without an entry has nothing to count under.
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeValues: { ':one': 1 },
          }),
        )
        .catch((error: unknown) => {
          if (!(error instanceof ConditionalCheckFailedException)) throw error;
        }),
      this.client.send(
        new UpdateCommand({
          TableName: this.tables.operations,
          Key: { pk: journeyKeys.launchPk(journeyId), sk: journeyKeys.refusedSk },
          UpdateExpression: 'ADD #reason :one',
          ExpressionAttributeNames: { '#reason': reason },
          ExpressionAttributeValues: { ':one': 1 },
        }),
      ),
    ]);
  }

  async refusedEntries(journeyId: string): Promise<Partial<Record<ReentryRefusal, number>>> {
    const answer = await this.client.send(
      new GetCommand({ TableName: this.tables.operations, Key: { pk: journeyKeys.launchPk(journeyId), sk: journeyKeys.refusedSk }, ConsistentRead: true }),
    );
    const refused: Partial<Record<ReentryRefusal, number>> = {};
    for (const reason of ReentryRefusal.options) if (typeof answer.Item?.[reason] === 'number') refused[reason] = answer.Item[reason] as number;
    return refused;
  }

  /** The records of many users (one Query each, a few in parallel), keyed by user id. */
  async recordsOf(journeyId: string, userIds: readonly string[]): Promise<Map<string, UserJourneyRecords>> {
    const found = new Map<string, UserJourneyRecords>();
    await forEachConcurrently(userIds, 16, async (userId) => {
      const records: UserJourneyRecords = { steps: [] };
      const answer = await this.client.send(
        new QueryCommand({
          TableName: this.tables.users,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': journeyKeys.userPk(userId), ':prefix': journeyKeys.userPrefix(journeyId) },
        }),
      );
      for (const item of answer.Items ?? []) {
        const sk = String(item.sk);
        if (sk.includes('#STEP#')) records.steps.push(parseWith(StepRecord, item));
        else if (sk.endsWith('#EXIT')) records.exits = [...(records.exits ?? []), parseWith(ExitRecord, item)];
        else if (sk.endsWith('#FAILURE')) records.failure = { error: String(item.error ?? ''), cause: String(item.cause ?? '') };
      }
      // Keys sort entry 1 (…#EXIT) after later entries (…#ENTRY#nnn#EXIT): the latest is the highest entry.
      records.exit = records.exits?.reduce((latest, exit) => ((exit.entry ?? 1) > (latest.entry ?? 1) ? exit : latest));
      found.set(userId, records);
    });
    return found;
  }
}

function parseWith<T>(schema: z.ZodType<T>, item: Record<string, unknown>): T {
  const parsed = schema.safeParse(item);
  if (!parsed.success) throw new CorruptJourneyItem(`journey record ${String(item.pk)} ${String(item.sk)} does not parse`, { cause: parsed.error });
  return parsed.data;
}
