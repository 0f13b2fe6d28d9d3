import { PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { JourneyExitReason } from '../../domain/journeys';
import { batchPut } from '../dynamodb/batch';
import { forEachConcurrently } from '../dynamodb/client';
import { CorruptJourneyItem } from './errors';
import { journeyKeys } from './journey-keys';
import type { JourneyMember } from './journey-store';

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
  z.object({ kind: z.literal('handed-over'), toTier: z.string(), journeyId: z.string(), holdout: z.boolean() }),
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

/** Per-user journey records under the user's own partition (layout in journey-keys.ts). */
export class DynamoEnrollmentStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly usersTable: string,
  ) {}

  /** One enrollment record per member; written again on a relaunch, to the same values. */
  async putEnrollments(journeyId: string, members: readonly JourneyMember[], executionNameOf: (userId: string) => string): Promise<void> {
    await batchPut(
      this.client,
      this.usersTable,
      members.map((member) => ({
        pk: journeyKeys.userPk(member.userId),
        sk: journeyKeys.enrollmentSk(journeyId),
        journeyId,
        ...member,
        executionName: member.holdout ? null : executionNameOf(member.userId),
      })),
    );
  }

  /** Records what a step did; a retried step overwrites its own record with the same facts. */
  async putStep(journeyId: string, userId: string, record: StepRecord): Promise<void> {
    await this.client.send(new PutCommand({ TableName: this.usersTable, Item: { pk: journeyKeys.userPk(userId), sk: journeyKeys.stepSk(journeyId, record.stepIndex), journeyId, ...record } }));
  }

  async putExit(journeyId: string, userId: string, record: ExitRecord): Promise<void> {
    await this.client.send(new PutCommand({ TableName: this.usersTable, Item: { pk: journeyKeys.userPk(userId), sk: journeyKeys.exitSk(journeyId), journeyId, ...record } }));
  }

  /** The records of many users (one Query each, a few in parallel), keyed by user id. */
  async recordsOf(journeyId: string, userIds: readonly string[]): Promise<Map<string, UserJourneyRecords>> {
    const found = new Map<string, UserJourneyRecords>();
    await forEachConcurrently(userIds, 16, async (userId) => {
      const records: UserJourneyRecords = { steps: [] };
      const answer = await this.client.send(
        new QueryCommand({
          TableName: this.usersTable,
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
