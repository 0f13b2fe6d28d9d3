import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { ENROLLMENTS_PER_MESSAGE, type EnrollmentMessage, type LaunchQueue, type LaunchQueueBody } from '../../domain/journeys';
import { chunk, forEachConcurrently } from '../dynamodb/client';
import { EnqueueFailed } from './errors';

// The endpoint comes from the SDK's configuration (AWS_ENDPOINT_URL_SQS locally), not from the queue URL's host.
let sqsClient: SQSClient | undefined;

/**
 * The launch queue: enrollments in, the starter Lambda out at a controlled rate. Enrollments go
 * {@link ENROLLMENTS_PER_MESSAGE} to a message and ten messages to a SendMessageBatch: a
 * hundred enrollments a call.
 */
export class SqsLaunchQueue implements LaunchQueue {
  constructor(
    private readonly queueUrl: string,
    private readonly client: SQSClient = (sqsClient ??= new SQSClient({ useQueueUrlAsEndpoint: false })),
  ) {}

  async enqueue(messages: readonly EnrollmentMessage[]): Promise<void> {
    const bodies = chunk(messages, ENROLLMENTS_PER_MESSAGE).map((enrollments): LaunchQueueBody => ({ enrollments }));
    await forEachConcurrently(chunk(bodies, 10), 8, async (group) => {
      let pending = group.map((body, i) => ({ Id: String(i), MessageBody: JSON.stringify(body) }));
      for (let round = 0; pending.length > 0; round++) {
        if (round >= 5) throw new EnqueueFailed(`${pending.length} enrollments could not be queued after 5 attempts`);
        const answer = await this.client.send(new SendMessageBatchCommand({ QueueUrl: this.queueUrl, Entries: pending }));
        const failed = new Set((answer.Failed ?? []).map((failure) => failure.Id));
        pending = pending.filter((entry) => failed.has(entry.Id));
      }
    });
  }
}
