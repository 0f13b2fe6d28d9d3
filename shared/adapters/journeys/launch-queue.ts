import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { z } from 'zod';
import { EnrollmentMessage, type LaunchQueue } from '../../domain/journeys';
import { chunk, forEachConcurrently } from '../dynamodb/client';
import { EnqueueFailed } from './errors';

// The endpoint comes from the SDK's configuration (AWS_ENDPOINT_URL_SQS locally), not from the queue URL's host.
let sqsClient: SQSClient | undefined;

/**
 * Enrollments of one journey a message carries at most. A launch queues its members ten to a
 * message: a tenth of the SendMessageBatch calls (and of the queue's bill) of one a message.
 */
export const ENROLLMENTS_PER_MESSAGE = 10;

/** A message of several enrollments of one journey. */
const EnrollmentGroup = z.object({
  journeyId: z.string().min(1),
  enrollments: z
    .array(EnrollmentMessage.omit({ journeyId: true }))
    .min(1)
    .max(ENROLLMENTS_PER_MESSAGE),
});

/**
 * A launch-queue message's enrollments: a group's, or the one of a single-enrollment message (as
 * queued before groups, and as a group's failed start is queued again).
 * @throws {Error} when the body is neither.
 */
export function enrollmentsOfMessage(body: string): EnrollmentMessage[] {
  const json: unknown = JSON.parse(body);
  const group = EnrollmentGroup.safeParse(json);
  if (group.success) return group.data.enrollments.map((enrollment) => ({ journeyId: group.data.journeyId, ...enrollment }));
  return [EnrollmentMessage.parse(json)];
}

/** The bodies that carry `messages`: per journey, up to ENROLLMENTS_PER_MESSAGE a body, in order; one a body with `oneEach`. */
export function launchMessageBodies(messages: readonly EnrollmentMessage[], options: { oneEach?: boolean } = {}): string[] {
  if (options.oneEach) return messages.map((message) => JSON.stringify(message));
  const byJourney = new Map<string, EnrollmentMessage[]>();
  for (const message of messages) {
    const ofJourney = byJourney.get(message.journeyId);
    if (ofJourney) ofJourney.push(message);
    else byJourney.set(message.journeyId, [message]);
  }
  return [...byJourney].flatMap(([journeyId, enrollments]) =>
    chunk(enrollments, ENROLLMENTS_PER_MESSAGE).map((group) =>
      group.length === 1
        ? JSON.stringify(group[0])
        : JSON.stringify({ journeyId, enrollments: group.map(({ journeyId: _journey, ...enrollment }) => enrollment) }),
    ),
  );
}

/** The launch queue: enrollments in, the starter Lambda out at a controlled rate. */
export class SqsLaunchQueue implements LaunchQueue {
  constructor(
    private readonly queueUrl: string,
    private readonly client: SQSClient = (sqsClient ??= new SQSClient({ useQueueUrlAsEndpoint: false })),
  ) {}

  async enqueue(messages: readonly EnrollmentMessage[], options: { oneEach?: boolean } = {}): Promise<void> {
    await forEachConcurrently(chunk(launchMessageBodies(messages, options), 10), 8, async (group) => {
      let pending = group.map((body, i) => ({ Id: String(i), MessageBody: body }));
      for (let round = 0; pending.length > 0; round++) {
        if (round >= 5) throw new EnqueueFailed(`${pending.length} launch-queue messages could not be queued after 5 attempts`);
        const answer = await this.client.send(new SendMessageBatchCommand({ QueueUrl: this.queueUrl, Entries: pending }));
        const failed = new Set((answer.Failed ?? []).map((failure) => failure.Id));
        pending = pending.filter((entry) => failed.has(entry.Id));
      }
    });
  }
}
