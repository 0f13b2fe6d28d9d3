import { GetCommand, PutCommand, QueryCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { JourneyExitReason } from '../../domain/journeys';
import { forEachConcurrently } from '../dynamodb/client';
import { cancellationReasons, conflictBackoff, RETRYABLE_CANCELLATION_CODES, TransactionContentionError, type CancellationReason } from '../dynamodb/transaction-cancellation';
import { CorruptJourneyItem } from './errors';
import { journeyKeys } from './journey-keys';
import { JourneyMember } from './journey-store';

/** What one send of one step came to, per channel (the send path's outcome kind and reason). */
export const ChannelOutcome = z.object({
  kind: z.enum(['sent', 'deferred', 'skipped', 'failed-retryable', 'failed-permanent']),
  reason: z.string().optional(),
  messageId: z.string().optional(),
});
export type ChannelOutcome = z.infer<typeof ChannelOutcome>;

/**
 * What an escalation step did: a sunset suppression written (or found already there), the user
 * handed over to the standing journey of a later tier, or nothing handed over because none runs.
 */
export const EscalationOutcome = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('sunset'), suppression: z.enum(['added', 'already-there']) }),
  z.object({
    kind: z.literal('handed-over'),
    toTier: z.string(),
    journeyId: z.string(),
    holdout: z.boolean(),
    /** True when the user already was a member, enrolled by something else: their enrollment was kept. Absent on older records. */
    alreadyEnrolled: z.boolean().optional(),
    /** When the membership began: the hand-over's time, or the earlier enrollment's. Absent on older records. */
    enrolledAt: z.iso.datetime().optional(),
  }),
  z.object({ kind: z.literal('nothing-handed-over'), toTier: z.string(), reason: z.literal('no-running-journey') }),
]);
export type EscalationOutcome = z.infer<typeof EscalationOutcome>;

export const StepRecord = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('send'), stepIndex: z.number().int(), templateId: z.string(), at: z.iso.datetime(), channels: z.record(z.string(), ChannelOutcome) }),
  z.object({
    kind: z.literal('escalate'),
    stepIndex: z.number().int(),
    at: z.iso.datetime(),
    escalation: z.string(),
    /** What the escalation did; absent on records written before escalations acted. */
    outcome: EscalationOutcome.optional(),
  }),
]);
export type StepRecord = z.infer<typeof StepRecord>;

export const ExitRecord = z.object({ reason: JourneyExitReason, at: z.iso.datetime(), stepIndex: z.number().int() });
export type ExitRecord = z.infer<typeof ExitRecord>;

/** Everything recorded for one user in one journey. */
export interface UserJourneyRecords {
  steps: StepRecord[];
  exit?: ExitRecord;
  failure?: { error: string; cause: string };
}

/**
 * What writing one enrollment came to: the member written now, or the member found already
 * enrolled (as stored: their first enrollment time, tier and holdout), whose records were left alone.
 */
export type EnrollOnceOutcome = { kind: 'enrolled'; member: JourneyMember } | { kind: 'already-enrolled'; member: JourneyMember };

/** Condition clauses of the enrollment writes, named so the transaction reads as the rule. */
const enrollmentClauses = {
  /** Neither the member item nor the enrollment record may exist: a membership is written once. */
  absent: 'attribute_not_exists(pk)',
} as const;

/** Transactions in flight at once while enrolling many members (a launch). */
const ENROLL_CONCURRENCY = 32;
const MAX_ATTEMPTS = 8;

/**
 * Per-user journey records under the user's own partition, and the journey's member items they
 * are written with (layout in journey-keys.ts).
 */
export class DynamoEnrollmentStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tables: { users: string; operations: string },
  ) {}

  /**
   * Enrolls each member once: the journey's member item and the enrollment record under the user
   * are written together in one transaction, each only if absent. A user who is already a member
   * keeps the first enrollment (time, tier, holdout) and is answered `already-enrolled` with it.
   * A condition, not a read before the write, decides, so concurrent enrollments of the same user
   * (a hand-over and a TierChanged at once) cannot both win. One transaction per member (2 write
   * units per item), {@link ENROLL_CONCURRENCY} at a time; outcomes come in the members' order.
   */
  async enrollOnce(journeyId: string, members: readonly JourneyMember[], executionNameOf: (userId: string) => string): Promise<EnrollOnceOutcome[]> {
    const outcomes = new Map<string, EnrollOnceOutcome>();
    await forEachConcurrently(members, ENROLL_CONCURRENCY, async (member) => {
      outcomes.set(member.userId, await this.enrollOne(journeyId, member, executionNameOf(member.userId)));
    });
    return members.map((member) => outcomes.get(member.userId)!);
  }

  private async enrollOne(journeyId: string, member: JourneyMember, executionName: string): Promise<EnrollOnceOutcome> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.client.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Put: {
                  TableName: this.tables.operations,
                  Item: { pk: journeyKeys.memberPk(journeyId, journeyKeys.memberShardOf(member.userId)), sk: member.userId, ...member },
                  ConditionExpression: enrollmentClauses.absent,
                  ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
                },
              },
              {
                Put: {
                  TableName: this.tables.users,
                  Item: { pk: journeyKeys.userPk(member.userId), sk: journeyKeys.enrollmentSk(journeyId), journeyId, ...member, executionName: member.holdout ? null : executionName },
                  ConditionExpression: enrollmentClauses.absent,
                  ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
                },
              },
            ],
          }),
        );
        return { kind: 'enrolled', member };
      } catch (error) {
        const reasons = cancellationReasons(error);
        if (!reasons) throw error;
        if (reasons.some((reason) => reason.code === 'ConditionalCheckFailed')) return { kind: 'already-enrolled', member: await this.storedMember(journeyId, member.userId, reasons) };
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
        new GetCommand({ TableName: this.tables.users, Key: { pk: journeyKeys.userPk(userId), sk: journeyKeys.enrollmentSk(journeyId) }, ConsistentRead: true }),
      );
      item = answer.Item;
    }
    if (item === undefined) throw new CorruptJourneyItem(`enrollment of ${userId} in ${journeyId} was refused as existing, yet neither record is there`);
    return parseWith(JourneyMember, item);
  }

  /** Records what a step did; a retried step overwrites its own record with the same facts. */
  async putStep(journeyId: string, userId: string, record: StepRecord): Promise<void> {
    await this.client.send(new PutCommand({ TableName: this.tables.users, Item: { pk: journeyKeys.userPk(userId), sk: journeyKeys.stepSk(journeyId, record.stepIndex), journeyId, ...record } }));
  }

  async putExit(journeyId: string, userId: string, record: ExitRecord): Promise<void> {
    await this.client.send(new PutCommand({ TableName: this.tables.users, Item: { pk: journeyKeys.userPk(userId), sk: journeyKeys.exitSk(journeyId), journeyId, ...record } }));
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
        else if (sk.endsWith('#EXIT')) records.exit = parseWith(ExitRecord, item);
        else if (sk.endsWith('#FAILURE')) records.failure = { error: String(item.error ?? ''), cause: String(item.cause ?? '') };
      }
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
