import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  ExpiredIteratorException,
  GetRecordsCommand,
  GetShardIteratorCommand,
  TrimmedDataAccessException,
  type _Record,
} from '@aws-sdk/client-dynamodb-streams';

export type StreamHandler = (event: { Records: unknown[] }) => Promise<unknown>;

export interface StreamSubscription {
  tableName: string;
  functionName: string;
  handler: StreamHandler;
  batchSize: number;
  /** Lambda filter patterns (`FilterCriteria.Filters[].Pattern`), already parsed. */
  filters: Array<Record<string, unknown>>;
  /** `MaximumBatchingWindowInSeconds`, in ms: records gather this long before a delivery. */
  batchingWindowMs: number;
}

interface ShardCursor {
  iterator: string | undefined;
  lastSequence: string | undefined;
  closed: boolean;
}

/**
 * Lambda's DynamoDB-stream event source mapping, locally: polls each table's stream, applies the
 * mapping's filter patterns, invokes the handler in batches and retries a failing batch, keeping a
 * checkpoint per shard in the data folder so a restart resumes where it stopped.
 */
export class StreamEventSources {
  private readonly streams: DynamoDBStreamsClient;
  private readonly cursors = new Map<string, ShardCursor>();
  private checkpoints: Record<string, string> = {};
  private running = false;
  private loop: Promise<void> | undefined;
  private busy = 0;
  private readonly batchingWindowMs: number;
  readonly failures: Array<{ functionName: string; error: string; records: number }> = [];

  constructor(
    private readonly dynamodb: DynamoDBClient,
    streamsEndpoint: string,
    clientOptions: { region: string; credentials: { accessKeyId: string; secretAccessKey: string } },
    private readonly subscriptions: StreamSubscription[],
    private readonly checkpointFile: string | null,
    /** Records no subscription gets (the local seeder's own writes); checkpointed as delivered. */
    private readonly skip: (record: _Record) => boolean = () => false,
  ) {
    this.streams = new DynamoDBStreamsClient({ endpoint: streamsEndpoint, ...clientOptions });
    this.batchingWindowMs = Math.max(100, ...subscriptions.map((subscription) => subscription.batchingWindowMs));
    if (checkpointFile && existsSync(checkpointFile)) this.checkpoints = JSON.parse(readFileSync(checkpointFile, 'utf8')) as Record<string, string>;
  }

  /** Starts polling. With `fromLatest`, shards without a checkpoint start at their tip. */
  start(options: { fromLatest: boolean }): void {
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        const handled = await this.pollOnce(options.fromLatest).catch((error: unknown) => {
          this.failures.push({ functionName: '(poller)', error: String(error), records: 0 });
          return 0;
        });
        // Like the mapping's batching window: let records gather before the next delivery, so a
        // burst of writes reaches the handler in a few large batches, not many small ones.
        await new Promise((resolve) => setTimeout(resolve, handled === 0 ? 100 : this.batchingWindowMs));
      }
    })();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  /** Resolves once every record written so far has been delivered (for tests and the CLI). */
  async settle(): Promise<void> {
    for (let quietPasses = 0; quietPasses < 2;) {
      const handled = await this.pollOnce(false);
      quietPasses = handled === 0 && this.busy === 0 ? quietPasses + 1 : 0;
    }
  }

  private pollQueue: Promise<number> = Promise.resolve(0);

  /** One pass over every shard of every subscribed stream; returns how many records it handled. */
  private pollOnce(fromLatest: boolean): Promise<number> {
    // Passes never overlap: settle() and the background loop take turns.
    this.pollQueue = this.pollQueue.then(() => this.pass(fromLatest));
    return this.pollQueue;
  }

  private async pass(fromLatest: boolean): Promise<number> {
    let handled = 0;
    for (const subscription of this.subscriptions) {
      const table = await this.dynamodb.send(new DescribeTableCommand({ TableName: subscription.tableName }));
      const streamArn = table.Table?.LatestStreamArn;
      if (!streamArn) continue;
      const description = await this.streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
      for (const shard of description.StreamDescription?.Shards ?? []) {
        const key = `${subscription.functionName}|${streamArn}|${shard.ShardId}`;
        let cursor = this.cursors.get(key);
        if (!cursor) {
          const checkpoint = this.checkpoints[key];
          const iterator = await this.streams.send(
            new GetShardIteratorCommand({
              StreamArn: streamArn,
              ShardId: shard.ShardId,
              ...(checkpoint
                ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: checkpoint }
                : { ShardIteratorType: fromLatest ? 'LATEST' : 'TRIM_HORIZON' }),
            }),
          );
          cursor = { iterator: iterator.ShardIterator, lastSequence: checkpoint, closed: false };
          this.cursors.set(key, cursor);
        }
        if (cursor.closed || !cursor.iterator) continue;
        handled += await this.drainShard(subscription, key, cursor);
      }
    }
    return handled;
  }

  private async drainShard(subscription: StreamSubscription, key: string, cursor: ShardCursor): Promise<number> {
    let handled = 0;
    for (;;) {
      let page;
      try {
        page = await this.streams.send(new GetRecordsCommand({ ShardIterator: cursor.iterator, Limit: subscription.batchSize }));
      } catch (error) {
        if (error instanceof ExpiredIteratorException || error instanceof TrimmedDataAccessException) {
          this.cursors.delete(key);
          return handled;
        }
        throw error;
      }
      const records = page.Records ?? [];
      if (records.length > 0) {
        const matching = records
          .filter((record) => !this.skip(record))
          .filter((record) => subscription.filters.length === 0 || subscription.filters.some((pattern) => matchesPattern(record, pattern)));
        if (matching.length > 0) await this.deliver(subscription, matching);
        cursor.lastSequence = records.at(-1)?.dynamodb?.SequenceNumber ?? cursor.lastSequence;
        if (cursor.lastSequence) this.saveCheckpoint(key, cursor.lastSequence);
        handled += records.length;
      }
      cursor.iterator = page.NextShardIterator;
      if (!cursor.iterator) {
        cursor.closed = true;
        return handled;
      }
      if (records.length === 0) return handled;
    }
  }

  private async deliver(subscription: StreamSubscription, records: _Record[]): Promise<void> {
    this.busy += 1;
    try {
      const event = { Records: records.map((record) => ({ ...record, eventSourceARN: `local:${subscription.tableName}` })) };
      for (let attempt = 1; ; attempt++) {
        try {
          await subscription.handler(event);
          return;
        } catch (error) {
          if (attempt >= 5) {
            // Like the deployed on-failure destination: recorded, then the stream moves on.
            this.failures.push({
              functionName: subscription.functionName,
              error: error instanceof Error ? error.message : String(error),
              records: records.length,
            });
            return;
          }
          await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt * Math.random()));
        }
      }
    } finally {
      this.busy -= 1;
    }
  }

  private saveCheckpoint(key: string, sequence: string): void {
    this.checkpoints[key] = sequence;
    if (this.checkpointFile) writeFileSync(this.checkpointFile, JSON.stringify(this.checkpoints));
  }
}

/**
 * Lambda event filtering for the patterns Rekindle uses: an object whose leaves are arrays of
 * allowed values, matched against the same path of the record.
 */
export function matchesPattern(record: unknown, pattern: Record<string, unknown>): boolean {
  if (!record || typeof record !== 'object') return false;
  return Object.entries(pattern).every(([field, expected]) => {
    const actual = (record as Record<string, unknown>)[field];
    if (Array.isArray(expected)) return expected.some((value) => value === actual);
    if (expected && typeof expected === 'object') return matchesPattern(actual, expected as Record<string, unknown>);
    return false;
  });
}
