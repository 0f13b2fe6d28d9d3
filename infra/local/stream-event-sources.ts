import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  ExpiredIteratorException,
  GetRecordsCommand,
  GetShardIteratorCommand,
  ResourceNotFoundException,
  TrimmedDataAccessException,
  type _Record,
} from '@aws-sdk/client-dynamodb-streams';
import { compileFilters, type FilterPattern } from './event-filtering';
import { LOCAL_REGION } from './local-aws';

export type StreamHandler = (event: { Records: unknown[] }) => Promise<unknown>;

/** One `AWS::Lambda::EventSourceMapping` on a DynamoDB stream, as the template declares it. */
export interface StreamSubscription {
  tableName: string;
  functionName: string;
  handler: StreamHandler;
  batchSize: number;
  /** Lambda filter patterns (`FilterCriteria.Filters[].Pattern`), already parsed. */
  filters: FilterPattern[];
  /** `MaximumBatchingWindowInSeconds`, in ms: a batch that is not full waits this long for more records. */
  batchingWindowMs: number;
  /** `ParallelizationFactor` (1–10): concurrent batches per shard, records of one partition key in order. */
  parallelizationFactor: number;
  /** `FunctionResponseTypes` holds `ReportBatchItemFailures`: the handler's `batchItemFailures` are honoured. */
  reportBatchItemFailures: boolean;
  /** `BisectBatchOnFunctionError`: a failing batch is split in two and each half retried apart. */
  bisectBatchOnError: boolean;
  /** `MaximumRetryAttempts` (-1: until the record expires, capped locally). */
  maximumRetryAttempts: number;
}

/** What gave up on a batch: recorded like the mapping's on-failure destination. */
export interface StreamFailure {
  functionName: string;
  error: string;
  records: number;
}

/** Retries of a batch when the mapping says -1 (AWS retries until the record expires, up to a day). */
const UNBOUNDED_RETRIES_LOCALLY = 10;
/** GetRecords returns at most 1,000 records a call. */
const GET_RECORDS_LIMIT = 1000;
/** How often a mapping looks for new shards (a DynamoDB stream rolls its shards over time; a closed shard makes it look at once). */
const DESCRIBE_EVERY_MS = 10_000;
/**
 * How often an idle mapping looks for new records: 4 times a second, as Lambda polls a DynamoDB
 * stream shard (an empty GetRecords costs DynamoDB Local several ms of CPU, measured: 7 ms), then
 * backing off to 2 s while nothing comes (a runtime doing nothing should cost next to no CPU: the
 * test suite runs two beside each other on two cores). Any invocation that ends nudges every
 * mapping back, since it may have written what they read.
 */
const IDLE_POLL_MS = 250;
const IDLE_POLL_MAX_MS = 2000;
/**
 * Records a shard's shared reader keeps behind its tail for the mappings not there yet (by
 * default; `sharedRecordsLimit` sets another). A mapping further behind (a slow consumer) reads
 * with its own iterator, as each mapping did before.
 */
const SHARED_BUFFER_LIMIT = 50_000;

/**
 * Lambda's DynamoDB-stream event source mappings, locally. As in AWS, each mapping reads the
 * stream on its own, with its own position per shard (checkpointed in the data folder, so a
 * restart resumes where it stopped): a slow consumer never holds back another. Each mapping
 * honours its batch size, batching window, filter patterns, parallelization factor (concurrent
 * batches per shard, a partition key's records in order in one of them), partial batch responses
 * (`batchItemFailures`: retried from the first failed record), bisection on error and retry
 * attempts, then records the batch as failed and moves on.
 */
export class StreamEventSources {
  private readonly mappings: MappingPoller[];
  readonly failures: StreamFailure[] = [];

  constructor(
    dynamodb: DynamoDBClient,
    streamsEndpoint: string,
    clientOptions: { region: string; credentials: { accessKeyId: string; secretAccessKey: string } },
    subscriptions: StreamSubscription[],
    checkpointFile: string | null,
    /** Records no subscription gets (the local seeder's own writes); checkpointed as delivered. */
    skip: (record: _Record) => boolean = () => false,
    options: { sharedRecordsLimit?: number } = {},
  ) {
    const streams = new DynamoDBStreamsClient({ endpoint: streamsEndpoint, ...clientOptions });
    const checkpoints = new Checkpoints(checkpointFile);
    const readers = new SharedShardReaders(streams, options.sharedRecordsLimit ?? SHARED_BUFFER_LIMIT);
    const descriptions = new StreamDescriptions(dynamodb, streams);
    this.mappings = subscriptions.map(
      (subscription) => new MappingPoller(subscription, { dynamodb, streams, readers, descriptions, checkpoints, skip, failures: this.failures }),
    );
  }

  /** Starts every mapping's polling loop. With `fromLatest`, shards without a checkpoint start at their tip. */
  start(options: { fromLatest: boolean }): void {
    for (const mapping of this.mappings) mapping.start(options.fromLatest);
  }

  /** Something may have been written: idle mappings look again soon instead of at the end of their back-off. */
  nudge(): void {
    for (const mapping of this.mappings) mapping.nudge();
  }

  async stop(): Promise<void> {
    await Promise.all(this.mappings.map((mapping) => mapping.stop()));
  }

  /**
   * GetRecords pages the mappings of `functionName` read with their own iterators, not from a
   * shared reader (a mapping starting at the tip, or further behind than the shared records).
   */
  ownPagesRead(functionName: string): number {
    return this.mappings.filter((mapping) => mapping.functionName === functionName).reduce((total, mapping) => total + mapping.ownPagesRead, 0);
  }

  /**
   * Resolves once every record written so far has been delivered to every mapping (for tests and
   * the CLI): batches are not held for their window. `only` picks the mappings by function.
   */
  async settle(only: (functionName: string) => boolean = () => true): Promise<void> {
    const mappings = this.mappings.filter((mapping) => only(mapping.functionName));
    for (let quietPasses = 0; quietPasses < 2;) {
      const read = await Promise.all(mappings.map((mapping) => mapping.poll({ flush: true })));
      quietPasses = read.every((count) => count === 0) ? quietPasses + 1 : 0;
    }
  }
}

interface MappingContext {
  dynamodb: DynamoDBClient;
  streams: DynamoDBStreamsClient;
  readers: SharedShardReaders;
  descriptions: StreamDescriptions;
  checkpoints: Checkpoints;
  skip: (record: _Record) => boolean;
  failures: StreamFailure[];
}

interface ShardState {
  shardId: string;
  parentShardId: string | undefined;
  iterator: string | undefined;
  /** The last record read (delivered, filtered out or held in `pending`). */
  readThrough: string | undefined;
  /** Without a checkpoint: start at the tip (LATEST) rather than at the oldest record. */
  startAtLatest: boolean;
  /** Matching records read and not yet delivered (waiting for the batching window). */
  pending: _Record[];
  pendingSince: number | undefined;
  /** The shard has no more records: its iterator ran out. */
  closed: boolean;
}

let mappingsCreated = 0;

type Delivery = { kind: 'done' } | { kind: 'retry-from'; index: number; error: string } | { kind: 'failed'; error: string };

/** One event source mapping: its own loop, cursors and checkpoints over one table's stream. */
class MappingPoller {
  private running = false;
  private loop: Promise<void> | undefined;
  private passes: Promise<number> = Promise.resolve(0);
  private stream: { arn: string; partitionKey: string } | undefined;
  private describedAt = 0;
  private readonly shards = new Map<string, ShardState>();
  private readonly matches: (record: unknown) => boolean;
  private readonly maxRetries: number;
  private fromLatest = false;
  /** Shards found by the first look start at the mapping's starting position; later ones (children) at their start. */
  private firstLook = true;
  /** A shard ran out since the last look for shards: its children are to be found. */
  private shardClosed = false;
  private idleMs = IDLE_POLL_MS;
  private wake: (() => void) | undefined;
  /** This mapping's name as a consumer of the shared shard readers. */
  private readonly consumerId: string;
  /** GetRecords pages read with this mapping's own iterator (see `StreamEventSources.ownPagesRead`). */
  ownPagesRead = 0;

  constructor(
    private readonly subscription: StreamSubscription,
    private readonly context: MappingContext,
  ) {
    this.matches = compileFilters(subscription.filters);
    this.consumerId = `${subscription.functionName}#${(mappingsCreated += 1)}`;
    this.maxRetries = subscription.maximumRetryAttempts < 0 ? UNBOUNDED_RETRIES_LOCALLY : subscription.maximumRetryAttempts;
  }

  get functionName(): string {
    return this.subscription.functionName;
  }

  start(fromLatest: boolean): void {
    this.fromLatest = fromLatest;
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        const read = await this.poll({ flush: false }).catch((error: unknown) => {
          this.context.failures.push({ functionName: `${this.subscription.functionName} (poller)`, error: String(error), records: 0 });
          return 0;
        });
        // Full batches go at once; a held batch waits for its window; an idle mapping backs off.
        if (read > 0) this.idleMs = IDLE_POLL_MS;
        if (this.holding()) await this.pause(IDLE_POLL_MS);
        else if (read === 0) {
          await this.pause(this.idleMs);
          this.idleMs = Math.min(IDLE_POLL_MAX_MS, this.idleMs * 2);
        }
      }
    })();
  }

  nudge(): void {
    this.idleMs = IDLE_POLL_MS;
    this.wake?.();
  }

  /** Waits `ms`, or less when nudged (or stopped). */
  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        if (this.wake === done) this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    await this.passes;
  }

  /** One pass over the stream's shards; passes never overlap. Answers how many records it read. */
  poll(options: { flush: boolean }): Promise<number> {
    this.passes = this.passes.then(
      () => this.pass(options.flush),
      () => this.pass(options.flush),
    );
    return this.passes;
  }

  private holding(): boolean {
    return [...this.shards.values()].some((shard) => shard.pending.length > 0);
  }

  private async pass(flush: boolean): Promise<number> {
    await this.refreshShards();
    if (!this.stream) return 0;
    let read = 0;
    for (const shard of this.shards.values()) {
      // A child shard's records follow its parent's: read it once the parent is drained.
      const parent = shard.parentShardId ? this.shards.get(shard.parentShardId) : undefined;
      if (parent && !(parent.closed && parent.pending.length === 0)) continue;
      read += await this.pollShard(this.stream, shard, flush);
    }
    return read;
  }

  private async refreshShards(): Promise<void> {
    if (this.stream && !this.shardClosed && Date.now() - this.describedAt < DESCRIBE_EVERY_MS) return;
    this.describedAt = Date.now();
    // A shard ran out: its children are in a fresh description, not in the one kept.
    if (this.shardClosed) this.context.descriptions.forget(this.subscription.tableName);
    this.shardClosed = false;
    const description = await this.context.descriptions.of(this.subscription.tableName);
    if (!description) {
      this.stream = undefined;
      return;
    }
    const { arn, partitionKey } = description;
    if (this.stream?.arn !== arn) this.shards.clear();
    this.stream = { arn, partitionKey };
    for (const shard of description.shards) {
      if (this.shards.has(shard.shardId)) continue;
      this.shards.set(shard.shardId, {
        shardId: shard.shardId,
        parentShardId: shard.parentShardId,
        iterator: undefined,
        readThrough: this.context.checkpoints.get(this.checkpointKey(arn, shard.shardId)),
        startAtLatest: this.firstLook && this.fromLatest,
        pending: [],
        pendingSince: undefined,
        closed: false,
      });
    }
    this.firstLook = false;
  }

  private checkpointKey(streamArn: string, shardId: string): string {
    return `${this.subscription.functionName}|${streamArn}|${shardId}`;
  }

  private async pollShard(stream: { arn: string; partitionKey: string }, shard: ShardState, flush: boolean): Promise<number> {
    let read = 0;
    const wanted = this.subscription.batchSize * this.subscription.parallelizationFactor;
    const windowOver = () => shard.pendingSince !== undefined && Date.now() - shard.pendingSince >= this.subscription.batchingWindowMs;
    // Read until every lane has a full batch, the shard has nothing more, or the window is over.
    while (!shard.closed && shard.pending.length < wanted && !windowOver()) {
      const records = await this.readPage(stream.arn, shard, flush);
      if (records === undefined) break;
      for (const record of records) {
        shard.readThrough = record.dynamodb?.SequenceNumber ?? shard.readThrough;
        if (this.context.skip(record) || !this.matches(record)) continue;
        shard.pending.push(record);
        shard.pendingSince ??= Date.now();
      }
      read += records.length;
      if (records.length === 0) break;
    }
    // A batch goes when every lane can have a full one (as each of Lambda's concurrent batches
    // waits for its batch size or its window), when the window is over, or on a settle.
    if (shard.pending.length > 0 && (flush || shard.closed || windowOver() || shard.pending.length >= wanted)) {
      const batch = shard.pending;
      shard.pending = [];
      shard.pendingSince = undefined;
      await this.deliverConcurrently(stream, batch);
    }
    // Everything read is delivered (or filtered out): the shard's position moves past it.
    if (shard.pending.length === 0 && shard.readThrough) this.context.checkpoints.set(this.checkpointKey(stream.arn, shard.shardId), shard.readThrough);
    return read;
  }

  /** One GetRecords page; undefined when the shard cannot be read now (its iterator is renewed next pass). */
  private async readPage(streamArn: string, shard: ShardState, flush: boolean): Promise<_Record[] | undefined> {
    try {
      // The mappings of one stream read the same records: one GetRecords serves them all (each
      // keeps its own position), unless this one starts at the tip or is behind what is shared.
      if (!(shard.startAtLatest && !shard.readThrough)) {
        const reader = this.context.readers.of(streamArn, shard.shardId);
        const shared = await reader.readAfter(this.consumerId, shard.readThrough ?? null, GET_RECORDS_LIMIT, flush);
        if (shared) {
          shard.iterator = undefined;
          if (shared.closed) shard.closed = true;
          return shared.records;
        }
      }
      shard.iterator ??= (
        await this.context.streams.send(
          new GetShardIteratorCommand({
            StreamArn: streamArn,
            ShardId: shard.shardId,
            ...(shard.readThrough
              ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: shard.readThrough }
              : { ShardIteratorType: shard.startAtLatest ? 'LATEST' : 'TRIM_HORIZON' }),
          }),
        )
      ).ShardIterator;
      if (!shard.iterator) {
        shard.closed = true;
        this.shardClosed = true;
        return [];
      }
      const page = await getRecords(this.context.streams, shard.iterator);
      this.ownPagesRead += 1;
      shard.iterator = page.NextShardIterator;
      if (!shard.iterator) shard.closed = true;
      if (shard.closed) this.shardClosed = true;
      return page.Records ?? [];
    } catch (error) {
      if (error instanceof ExpiredIteratorException || error instanceof TrimmedDataAccessException || error instanceof ResourceNotFoundException) {
        // Held records are read again from the last checkpoint with a fresh iterator.
        shard.iterator = undefined;
        shard.pending = [];
        shard.pendingSince = undefined;
        shard.readThrough = this.context.checkpoints.get(this.checkpointKey(streamArn, shard.shardId));
        this.context.readers.forget(streamArn, shard.shardId);
        if (error instanceof ResourceNotFoundException) {
          this.describedAt = 0;
          this.context.descriptions.forget(this.subscription.tableName);
        }
        return undefined;
      }
      throw error;
    }
  }

  /**
   * Splits the records into `parallelizationFactor` lanes by partition key (so one key's records
   * stay in order, in one lane) and delivers the lanes concurrently, each in batches in order.
   */
  private async deliverConcurrently(stream: { arn: string; partitionKey: string }, records: _Record[]): Promise<void> {
    const laneCount = this.subscription.parallelizationFactor;
    const lanes: _Record[][] = Array.from({ length: laneCount }, () => []);
    for (const record of records) lanes[laneOf(record, stream.partitionKey, laneCount)]!.push(record);
    await Promise.all(
      lanes
        .filter((lane) => lane.length > 0)
        .map(async (lane) => {
          for (let start = 0; start < lane.length; start += this.subscription.batchSize) {
            await this.deliverWithRetries(stream.arn, lane.slice(start, start + this.subscription.batchSize), 0);
          }
        }),
    );
  }

  private async deliverWithRetries(streamArn: string, records: _Record[], retriesSoFar: number): Promise<void> {
    let batch = records;
    for (let retries = retriesSoFar; ; retries++) {
      const delivery = await this.invoke(streamArn, batch);
      if (delivery.kind === 'done') return;
      if (delivery.kind === 'retry-from') {
        // A partial batch response: what precedes the first failed record is done.
        batch = batch.slice(delivery.index);
      } else if (this.subscription.bisectBatchOnError && batch.length > 1) {
        const half = Math.ceil(batch.length / 2);
        await this.deliverWithRetries(streamArn, batch.slice(0, half), retries + 1);
        await this.deliverWithRetries(streamArn, batch.slice(half), retries + 1);
        return;
      }
      if (retries >= this.maxRetries) {
        // Like the on-failure destination: recorded, then the stream moves on.
        this.context.failures.push({ functionName: this.subscription.functionName, error: delivery.error, records: batch.length });
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 20 * 2 ** retries)));
    }
  }

  private async invoke(streamArn: string, batch: _Record[]): Promise<Delivery> {
    let result: unknown;
    try {
      result = await this.subscription.handler({
        Records: batch.map((record) => ({ ...record, eventSource: 'aws:dynamodb', awsRegion: LOCAL_REGION, eventSourceARN: streamArn })),
      });
    } catch (error) {
      return { kind: 'failed', error: error instanceof Error ? error.message : String(error) };
    }
    if (!this.subscription.reportBatchItemFailures) return { kind: 'done' };
    const failures = (result as { batchItemFailures?: unknown } | null | undefined)?.batchItemFailures;
    if (!Array.isArray(failures) || failures.length === 0) return { kind: 'done' };
    // As Lambda does: an identifier that names no record of the batch fails the whole batch.
    const positions = new Map(batch.map((record, index) => [record.dynamodb?.SequenceNumber, index] as const));
    let first = batch.length;
    for (const failure of failures) {
      const identifier = (failure as { itemIdentifier?: unknown } | null)?.itemIdentifier;
      const index = typeof identifier === 'string' && identifier !== '' ? positions.get(identifier) : undefined;
      if (index === undefined) return { kind: 'retry-from', index: 0, error: `batchItemFailures names ${JSON.stringify(identifier)}, no record of the batch` };
      first = Math.min(first, index);
    }
    return { kind: 'retry-from', index: first, error: `${failures.length} records reported failed` };
  }
}

interface StreamDescription {
  arn: string;
  partitionKey: string;
  shards: Array<{ shardId: string; parentShardId: string | undefined }>;
}

/**
 * A table's stream and shards, described once for all its mappings at most every
 * DESCRIBE_EVERY_MS (DescribeTable costs DynamoDB Local about 4 ms of CPU a call, measured).
 */
class StreamDescriptions {
  private readonly described = new Map<string, { at: number; description: Promise<StreamDescription | undefined> }>();

  constructor(
    private readonly dynamodb: DynamoDBClient,
    private readonly streams: DynamoDBStreamsClient,
  ) {}

  of(tableName: string): Promise<StreamDescription | undefined> {
    const cached = this.described.get(tableName);
    if (cached && Date.now() - cached.at < DESCRIBE_EVERY_MS) return cached.description;
    const description = this.describe(tableName);
    this.described.set(tableName, { at: Date.now(), description });
    // A failed look, or a table without its stream yet, is not kept: the next caller asks again.
    description.then(
      (found) => {
        if (!found && this.described.get(tableName)?.description === description) this.forget(tableName);
      },
      () => this.forget(tableName),
    );
    return description;
  }

  forget(tableName: string): void {
    this.described.delete(tableName);
  }

  private async describe(tableName: string): Promise<StreamDescription | undefined> {
    const table = await this.dynamodb.send(new DescribeTableCommand({ TableName: tableName }));
    const arn = table.Table?.LatestStreamArn;
    const partitionKey = table.Table?.KeySchema?.find((key) => key.KeyType === 'HASH')?.AttributeName;
    if (!arn || !partitionKey) return undefined;
    const shards: StreamDescription['shards'] = [];
    let exclusiveStartShardId: string | undefined;
    do {
      const description = await this.streams.send(new DescribeStreamCommand({ StreamArn: arn, ExclusiveStartShardId: exclusiveStartShardId }));
      for (const shard of description.StreamDescription?.Shards ?? []) {
        if (shard.ShardId) shards.push({ shardId: shard.ShardId, parentShardId: shard.ParentShardId });
      }
      exclusiveStartShardId = description.StreamDescription?.LastEvaluatedShardId;
    } while (exclusiveStartShardId);
    return { arn, partitionKey, shards };
  }
}

/** One shared reader per shard of a stream, created on first use. */
class SharedShardReaders {
  private readonly readers = new Map<string, SharedShardReader>();

  constructor(
    private readonly streams: DynamoDBStreamsClient,
    private readonly recordsLimit: number,
  ) {}

  of(streamArn: string, shardId: string): SharedShardReader {
    const key = `${streamArn}|${shardId}`;
    let reader = this.readers.get(key);
    if (!reader) this.readers.set(key, (reader = new SharedShardReader(this.streams, streamArn, shardId, this.recordsLimit)));
    return reader;
  }

  /** Drops a shard's shared records (its stream is gone, or its records were trimmed). */
  forget(streamArn: string, shardId: string): void {
    this.readers.delete(`${streamArn}|${shardId}`);
  }
}

/**
 * The records of one shard read once for every mapping: one iterator chain (the tail) and the
 * records it read, in order. A mapping whose position lies within them is served from memory; at
 * the tail, one GetRecords call (never two at once) extends them for all. Records every mapping
 * would still need are kept up to a bound; the oldest beyond it are dropped, and a mapping that
 * far behind reads on its own.
 */
class SharedShardReader {
  /** Read so far, in stream order, contiguous: every record after `after` up to the tail. */
  private records: _Record[] = [];
  /** The position the records follow: null for the shard's start (TRIM_HORIZON). */
  private after: string | null | undefined;
  private iterator: string | undefined;
  private closed = false;
  private fetching: Promise<void> | undefined;
  /** When the last read came back short of a full page (it reached the tail); undefined after a full one. */
  private tailReadAt: number | undefined;
  /** Each consumer's last position asked for: records at or before the slowest are dropped. */
  private readonly positions = new Map<string, string | null>();

  constructor(
    private readonly streams: DynamoDBStreamsClient,
    private readonly streamArn: string,
    private readonly shardId: string,
    /** Records kept behind the tail at most (SHARED_BUFFER_LIMIT by default). */
    private readonly recordsLimit: number,
  ) {}

  /**
   * Up to `limit` records after `position` (a sequence number read before, or null for the
   * shard's start) for `consumer`; undefined when `position` is before what this reader holds.
   * `fresh` (a settle) always reads what was written before the call.
   */
  async readAfter(consumer: string, position: string | null, limit: number, fresh: boolean): Promise<{ records: _Record[]; closed: boolean } | undefined> {
    if (this.after === undefined) this.after = position;
    let start = this.indexAfter(position);
    if (start === undefined) {
      this.positions.delete(consumer);
      return undefined;
    }
    this.positions.set(consumer, position);
    // A poll (not a settle) within IDLE_POLL_MS of a read that reached the tail waits for its next
    // turn, as Lambda polls a shard four times a second: each GetRecords costs DynamoDB Local its
    // per-call CPU (an empty one about 2 ms, measured), and reading again at once while writes go
    // on fetched a few records a call (measured: 198 calls in a 40,000-event ingest run). After a
    // full page, the next is read at once: the stream is behind.
    const idle = !fresh && this.tailReadAt !== undefined && Date.now() - this.tailReadAt < IDLE_POLL_MS;
    if (start === this.records.length && !this.closed && !idle) {
      // At the tail: read the next page for everyone. A read already under way may have started
      // before records this caller expects were written: if it brings nothing, read once more.
      const joined = this.fetching !== undefined;
      await this.fetchShared();
      if (joined && this.indexAfter(position) === this.records.length && !this.closed) await this.fetchShared();
      start = this.indexAfter(position);
      if (start === undefined) return undefined;
    }
    return { records: this.records.slice(start, start + limit), closed: this.closed && start + limit >= this.records.length };
  }

  private fetchShared(): Promise<void> {
    this.fetching ??= this.fetchPage().finally(() => (this.fetching = undefined));
    return this.fetching;
  }

  /** The index of the first record after `position`, or undefined if it is not held. */
  private indexAfter(position: string | null): number | undefined {
    if (position === null) return this.after === null ? 0 : undefined;
    if (this.after !== null && this.after !== undefined && compareSequence(position, this.after) < 0) return undefined;
    const last = this.records.at(-1)?.dynamodb?.SequenceNumber;
    if (last === undefined || compareSequence(position, last) >= 0) {
      // Caught up with the tail (or nothing read yet): the tail must start at this position.
      return last === undefined && this.after !== position ? undefined : this.records.length;
    }
    // Binary search: the first record whose sequence is after `position`.
    let low = 0;
    let high = this.records.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (compareSequence(this.records[middle]!.dynamodb!.SequenceNumber!, position) <= 0) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  private async fetchPage(): Promise<void> {
    if (this.closed) return;
    this.iterator ??= (
      await this.streams.send(
        new GetShardIteratorCommand({
          StreamArn: this.streamArn,
          ShardId: this.shardId,
          ...(this.records.length > 0 || this.after
            ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: this.records.at(-1)?.dynamodb?.SequenceNumber ?? this.after! }
            : { ShardIteratorType: 'TRIM_HORIZON' }),
        }),
      )
    ).ShardIterator;
    if (!this.iterator) {
      this.closed = true;
      return;
    }
    try {
      const page = await getRecords(this.streams, this.iterator);
      this.iterator = page.NextShardIterator;
      if (!this.iterator) this.closed = true;
      this.records.push(...(page.Records ?? []));
      this.tailReadAt = (page.Records?.length ?? 0) < GET_RECORDS_LIMIT ? Date.now() : undefined;
    } catch (error) {
      // An expired iterator is renewed from the last record held on the next read.
      if (error instanceof ExpiredIteratorException) {
        this.iterator = undefined;
        return;
      }
      throw error;
    }
    this.dropWhatNobodyNeeds();
  }

  /** Drops the records every consumer has read, and the oldest beyond the bound. */
  private dropWhatNobodyNeeds(): void {
    let slowest: string | null | undefined;
    for (const position of this.positions.values()) {
      if (position === null) return;
      if (slowest === undefined || compareSequence(position, slowest!) < 0) slowest = position;
    }
    let dropped = slowest === undefined ? 0 : (this.indexAfter(slowest) ?? 0);
    dropped = Math.max(dropped, this.records.length - this.recordsLimit);
    if (dropped <= 0) return;
    this.after = this.records[dropped - 1]!.dynamodb!.SequenceNumber!;
    this.records = this.records.slice(dropped);
  }
}

/**
 * One GetRecords page through the SDK (endpoint, signing, retries and errors as any call), with
 * the records' JSON parsed as it comes instead of by the SDK's deserializer: that walks every
 * attribute value of every image against the service's schema (measured on DynamoDB Local, pages
 * of 1,000 raw-event records: 25–29 ms of Node CPU a page through it, 9–19 ms parsed here; about
 * 0.5 s of the local runtime's CPU per 40,000 events read). The records come out the same:
 * attribute values are the same JSON either way, the creation time is made a Date and binary
 * values bytes, as the SDK makes them.
 */
export async function getRecords(streams: DynamoDBStreamsClient, iterator: string): Promise<{ Records?: _Record[]; NextShardIterator?: string }> {
  const command = new GetRecordsCommand({ ShardIterator: iterator, Limit: GET_RECORDS_LIMIT });
  let page: { Records?: _Record[]; NextShardIterator?: string } | undefined;
  command.middlewareStack.add(
    (next) => async (args) => {
      const result = await next(args);
      const response = result.response as { statusCode?: number; body?: unknown };
      // An error answer goes to the SDK's deserializer as it came, to be thrown as its exception.
      if (response.statusCode !== 200 || !isReadable(response.body)) return result;
      const chunks: Buffer[] = [];
      for await (const chunk of response.body) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
      const text = Buffer.concat(chunks).toString('utf8');
      page = parsePage(text);
      // What is left for the SDK to deserialize: nothing.
      response.body = new Uint8Array(Buffer.from('{}'));
      return result;
    },
    { step: 'deserialize', priority: 'low', name: 'rekindleRawRecords' },
  );
  const answer = await streams.send(command);
  return page ?? answer;
}

function isReadable(body: unknown): body is AsyncIterable<unknown> {
  return body !== null && typeof body === 'object' && Symbol.asyncIterator in body;
}

type WireRecord = Omit<_Record, 'dynamodb'> & {
  dynamodb?: Omit<NonNullable<_Record['dynamodb']>, 'ApproximateCreationDateTime'> & { ApproximateCreationDateTime?: number | Date };
};

function parsePage(text: string): { Records?: _Record[]; NextShardIterator?: string } {
  const page = JSON.parse(text) as { Records?: WireRecord[]; NextShardIterator?: string };
  // Binary values come as base64 text; the SDK gives bytes (none in this project's tables).
  const binary = text.includes('"B":') || text.includes('"BS":');
  for (const record of page.Records ?? []) {
    const change = record.dynamodb;
    if (!change) continue;
    if (typeof change.ApproximateCreationDateTime === 'number') change.ApproximateCreationDateTime = new Date(change.ApproximateCreationDateTime * 1000);
    if (binary) for (const image of [change.Keys, change.NewImage, change.OldImage]) if (image) for (const value of Object.values(image)) decodeBinary(value);
  }
  return page as { Records?: _Record[]; NextShardIterator?: string };
}

function decodeBinary(value: unknown): void {
  if (value === null || typeof value !== 'object') return;
  const attribute = value as Record<string, unknown>;
  if (typeof attribute.B === 'string') attribute.B = new Uint8Array(Buffer.from(attribute.B, 'base64'));
  if (Array.isArray(attribute.BS)) attribute.BS = attribute.BS.map((item) => (typeof item === 'string' ? new Uint8Array(Buffer.from(item, 'base64')) : item));
  if (Array.isArray(attribute.L)) for (const item of attribute.L) decodeBinary(item);
  if (attribute.M && typeof attribute.M === 'object') for (const item of Object.values(attribute.M)) decodeBinary(item);
}

/** Compares stream sequence numbers, decimal strings of any length. */
function compareSequence(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

/** Hashes of partition key values seen, for `laneOf` (bounded: cleared when full). */
const keyHashes = new Map<string, number>();
const KEY_HASHES_LIMIT = 100_000;

/**
 * The lane of a record: a stable hash of its partition key's value. The hash is kept per value
 * (one user's records share it): a SHA-1 per record cost the local runtime 0.18 s of CPU in a
 * 40,000-event ingest run (measured with a CPU profile of the timed phase).
 */
function laneOf(record: _Record, partitionKey: string, laneCount: number): number {
  if (laneCount <= 1) return 0;
  const text = JSON.stringify(record.dynamodb?.Keys?.[partitionKey] ?? null);
  let hash = keyHashes.get(text);
  if (hash === undefined) {
    hash = createHash('sha1').update(text).digest().readUInt32BE(0);
    if (keyHashes.size >= KEY_HASHES_LIMIT) keyHashes.clear();
    keyHashes.set(text, hash);
  }
  return hash % laneCount;
}

/** Each mapping's position per shard, kept in one file of the data folder (or in memory). */
class Checkpoints {
  private readonly positions: Record<string, string>;

  constructor(private readonly file: string | null) {
    this.positions = file && existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>) : {};
  }

  get(key: string): string | undefined {
    return this.positions[key];
  }

  set(key: string, sequence: string): void {
    if (this.positions[key] === sequence) return;
    this.positions[key] = sequence;
    if (this.file) writeFileSync(this.file, JSON.stringify(this.positions));
  }
}
