import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  type SQSClient,
  type Message,
} from '@aws-sdk/client-sqs';

export type QueueHandler = (event: { Records: unknown[] }) => Promise<unknown>;

export interface QueueSubscription {
  queueUrl: string;
  queueArn: string;
  functionName: string;
  batchSize: number;
  handler: QueueHandler;
  /** SNS → Lambda subscriptions are carried over a queue locally; their records look like SNS's. */
  shape: 'sqs' | 'sns';
  topicArn?: string;
}

/**
 * Lambda's SQS event source mapping (and SNS → Lambda subscriptions, carried over a queue),
 * locally: receive, invoke, delete what succeeded (honouring `batchItemFailures`). A failed
 * message comes back as in AWS, and moves to the dead-letter queue after the redrive policy's
 * receive count, but without waiting out the visibility timeout in wall time: locally, time is
 * skipped, never slept.
 */
/** How long a background receive waits for a message (SQS allows up to 20 s). */
const LONG_POLL_SECONDS = 5;

export class QueueEventSources {
  private running = false;
  private loops: Promise<void>[] = [];
  private inFlight = 0;
  private stopping: AbortController | undefined;
  readonly failures: Array<{ functionName: string; error: string }> = [];

  constructor(
    private readonly sqs: SQSClient,
    private readonly subscriptions: QueueSubscription[],
  ) {}

  start(): void {
    this.running = true;
    this.stopping = new AbortController();
    const { signal } = this.stopping;
    this.loops = this.subscriptions.map(async (subscription) => {
      while (this.running) {
        // Long polling, as Lambda's pollers do: a message is taken as soon as it is sent, and an
        // idle queue costs one request every few seconds instead of ten a second.
        const handled = await this.pollOnce(subscription, { waitSeconds: LONG_POLL_SECONDS, signal }).catch((error: unknown) => {
          if (this.running) this.failures.push({ functionName: subscription.functionName, error: String(error) });
          return -1;
        });
        if (handled < 0 && this.running) await new Promise((resolve) => setTimeout(resolve, 100));
      }
    });
  }

  async stop(): Promise<void> {
    this.running = false;
    this.stopping?.abort();
    await Promise.all(this.loops);
  }

  /** True while a batch is being handled. */
  get busy(): boolean {
    return this.inFlight > 0;
  }

  /** Handles everything currently in the queues, retries included (for settle). */
  async drain(): Promise<number> {
    let total = 0;
    for (const subscription of this.subscriptions) {
      for (
        let handled = await this.pollOnce(subscription);
        handled > 0 || (await this.inFlightElsewhere(subscription));
        handled = await this.pollOnce(subscription)
      ) {
        total += handled;
        if (handled === 0) await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
    return total;
  }

  /** Messages received by the background poller and not yet deleted or released. */
  private async inFlightElsewhere(subscription: QueueSubscription): Promise<boolean> {
    if (this.inFlight === 0) return false;
    const answer = await this.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: subscription.queueUrl, AttributeNames: ['ApproximateNumberOfMessagesNotVisible'] }),
    );
    return Number(answer.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0) > 0;
  }

  private async pollOnce(subscription: QueueSubscription, options: { waitSeconds: number; signal?: AbortSignal } = { waitSeconds: 0 }): Promise<number> {
    const answer = await this.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: subscription.queueUrl,
        MaxNumberOfMessages: Math.min(10, subscription.batchSize),
        WaitTimeSeconds: options.waitSeconds,
        MessageAttributeNames: ['All'],
        AttributeNames: ['All'],
      }),
      options.signal ? { abortSignal: options.signal } : {},
    );
    const messages = answer.Messages ?? [];
    if (messages.length === 0) return 0;
    // A receive takes at most 10 messages; a mapping of a larger batch size gathers more, as
    // Lambda's poller does within its batching window, here as many as the queue holds right now
    // (no wall-clock wait: locally, time is skipped).
    while (messages.length < subscription.batchSize) {
      const more = await this.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: subscription.queueUrl,
          MaxNumberOfMessages: Math.min(10, subscription.batchSize - messages.length),
          WaitTimeSeconds: 0,
          MessageAttributeNames: ['All'],
          AttributeNames: ['All'],
        }),
      );
      if (!more.Messages?.length) break;
      messages.push(...more.Messages);
    }
    this.inFlight += 1;
    try {
      const records = messages.map((message) =>
        subscription.shape === 'sns' ? snsRecord(message, subscription.topicArn ?? '') : sqsRecord(message, subscription.queueArn),
      );
      let failedIds = new Set<string>();
      try {
        const result = (await subscription.handler({ Records: records })) as { batchItemFailures?: Array<{ itemIdentifier: string }> } | undefined;
        failedIds = new Set((result?.batchItemFailures ?? []).map((failure) => failure.itemIdentifier));
      } catch (error) {
        this.failures.push({ functionName: subscription.functionName, error: error instanceof Error ? error.message : String(error) });
        failedIds = new Set(messages.map((message) => message.MessageId ?? ''));
      }
      const failed = messages.filter((message) => failedIds.has(message.MessageId ?? ''));
      for (const group of tens(failed)) {
        await this.sqs.send(
          new ChangeMessageVisibilityBatchCommand({
            QueueUrl: subscription.queueUrl,
            Entries: group.map((message, i) => ({ Id: String(i), ReceiptHandle: message.ReceiptHandle!, VisibilityTimeout: 0 })),
          }),
        );
      }
      const done = messages.filter((message) => !failedIds.has(message.MessageId ?? ''));
      for (const group of tens(done)) {
        await this.sqs.send(
          new DeleteMessageBatchCommand({
            QueueUrl: subscription.queueUrl,
            Entries: group.map((message, i) => ({ Id: String(i), ReceiptHandle: message.ReceiptHandle! })),
          }),
        );
      }
      return messages.length;
    } finally {
      this.inFlight -= 1;
    }
  }
}

/** SQS batch requests take at most 10 entries. */
function tens<T>(items: readonly T[]): T[][] {
  const groups: T[][] = [];
  for (let i = 0; i < items.length; i += 10) groups.push(items.slice(i, i + 10));
  return groups;
}

function sqsRecord(message: Message, queueArn: string) {
  return {
    messageId: message.MessageId,
    receiptHandle: message.ReceiptHandle,
    body: message.Body ?? '',
    attributes: message.Attributes ?? {},
    messageAttributes: message.MessageAttributes ?? {},
    md5OfBody: message.MD5OfBody,
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: 'us-east-1',
  };
}

function snsRecord(message: Message, topicArn: string) {
  // The queue receives SNS's JSON envelope (raw delivery off); unwrap it into an SNS record.
  let envelope: Record<string, unknown> = {};
  try {
    envelope = JSON.parse(message.Body ?? '{}') as Record<string, unknown>;
  } catch {
    envelope = { Message: message.Body ?? '' };
  }
  return {
    EventSource: 'aws:sns',
    EventVersion: '1.0',
    EventSubscriptionArn: `${topicArn}:local`,
    Sns: {
      Type: 'Notification',
      MessageId: envelope.MessageId ?? message.MessageId,
      TopicArn: envelope.TopicArn ?? topicArn,
      Subject: envelope.Subject ?? null,
      Message: typeof envelope.Message === 'string' ? envelope.Message : JSON.stringify(envelope.Message ?? ''),
      Timestamp: envelope.Timestamp ?? new Date().toISOString(),
      MessageAttributes: envelope.MessageAttributes ?? {},
    },
  };
}
