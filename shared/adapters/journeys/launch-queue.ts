import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { EnrollmentMessage, LaunchQueue } from '../../domain/journeys';
import { chunk, forEachConcurrently } from '../dynamodb/client';
import { EnqueueFailed } from './errors';

// The endpoint comes from the SDK's configuration (AWS_ENDPOINT_URL_SQS locally), not from the queue URL's host.
let sqsClient: SQSClient | undefined;

/** The launch queue: enrollments in, the starter Lambda out at a controlled rate. */
export class SqsLaunchQueue implements LaunchQueue {
  constructor(
    private readonly queueUrl: string,
    private readonly client: SQSClient = (sqsClient ??= new SQSClient({ useQueueUrlAsEndpoint: false })),
  ) {}

  async enqueue(messages: readonly EnrollmentMessage[]): Promise<void> {
    await forEachConcurrently(chunk(messages, 10), 8, async (group) => {
      let pending = group.map((message, i) => ({ Id: String(i), MessageBody: JSON.stringify(message) }));
      for (let round = 0; pending.length > 0; round++) {
        if (round >= 5) throw new EnqueueFailed(`${pending.length} enrollments could not be queued after 5 attempts`);
        const answer = await this.client.send(new SendMessageBatchCommand({ QueueUrl: this.queueUrl, Entries: pending }));
        const failed = new Set((answer.Failed ?? []).map((failure) => failure.Id));
        pending = pending.filter((entry) => failed.has(entry.Id));
      }
    });
  }
}
