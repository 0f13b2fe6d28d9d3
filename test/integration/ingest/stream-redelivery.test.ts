import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_REGION } from '../../../infra/local/local-aws';
import type { LocalRuntime } from '../../../infra/local/local-runtime';
import { StreamEventSources, type StreamHandler, type StreamSubscription } from '../../../infra/local/stream-event-sources';
import { batchPut } from '../../../shared/adapters/dynamodb/batch';
import { rawEventItem } from '../../../shared/adapters/dynamodb/raw-event-store';
import { DynamoUserStore } from '../../../shared/adapters/dynamodb/user-store';
import { BehaviourEvent } from '../../../shared/domain/events/behaviour-event';
import { startTestRuntime } from '../../support/test-runtime';
import { createKeyedTable } from '../../support/tables';

/**
 * The local stream event source with the real aggregator (`functions/aggregate-events`) over a
 * stream of its own: a table shaped like the raw-event table, written here, so the runtime's own
 * mappings never see these records. Faults are injected around the real handler: it applies the
 * batch, then the delivery is reported failed (as when Lambda times out after its writes).
 */
let runtime: LocalRuntime;
let documents: DynamoDBDocumentClient;
let aggregator: StreamHandler;
let aggregates: DynamoUserStore;

beforeAll(async () => {
  runtime = await startTestRuntime();
  documents = DynamoDBDocumentClient.from(runtime.dynamodb.client);
  aggregator = (event) => runtime.invoke('IngestionAggregateEvents', event);
  const usersTable = [...runtime.tables.entries()].find(([id]) => id.startsWith('UsersTable'))![1];
  aggregates = new DynamoUserStore(documents, usersTable, 400);
});
afterAll(async () => {
  await runtime?.stop();
});

interface StreamRecordSeen {
  dynamodb: { SequenceNumber: string; Keys: { pk: { S: string } } };
}

/** A stream of its own holding `perUser` sessions for each of `users` fresh users, a minute apart. */
async function streamWithSessions(users: number, perUser: number) {
  const tableName = await createKeyedTable(runtime.dynamodb.client, 'redelivery', { stream: true });
  const prefix = randomUUID().slice(0, 8);
  const userIds = Array.from({ length: users }, (_, i) => `rd-${prefix}-${i}`);
  const start = runtime.clock.now().getTime() - 6 * 3_600_000;
  const events = userIds.flatMap((userId) =>
    Array.from({ length: perUser }, (_, i) =>
      BehaviourEvent.parse({ eventId: `${userId}-e${i}`, userId, type: 'session', timestamp: new Date(start + i * 60_000).toISOString() }),
    ),
  );
  // Interleaved across users, so a batch cut falls between records of one user's month.
  events.sort((a, b) => a.timestamp.localeCompare(b.timestamp) || a.userId.localeCompare(b.userId));
  for (const event of events) await batchPut(documents, tableName, [rawEventItem(event, 400)], 1);
  return { tableName, userIds };
}

function subscription(tableName: string, handler: StreamHandler, overrides: Partial<StreamSubscription> = {}): StreamSubscription {
  return {
    tableName,
    functionName: 'AggregateEventsUnderTest',
    handler,
    batchSize: 100,
    filters: [],
    batchingWindowMs: 0,
    parallelizationFactor: 1,
    reportBatchItemFailures: true,
    bisectBatchOnError: false,
    maximumRetryAttempts: 3,
    ...overrides,
  };
}

async function deliverAll(subscriptions: StreamSubscription[], checkpointFile: string | null = null) {
  const sources = new StreamEventSources(
    runtime.dynamodb.client,
    runtime.dynamodb.endpoint,
    { region: LOCAL_REGION, credentials: runtime.dynamodb.credentials },
    subscriptions,
    checkpointFile,
  );
  await sources.settle();
  await sources.stop();
  return sources.failures;
}

async function sessionsCounted(userId: string): Promise<number> {
  return (await aggregates.listForUser(userId)).reduce((sum, day) => sum + day.sessions, 0);
}

const sequenceOf = (record: unknown) => (record as StreamRecordSeen).dynamodb.SequenceNumber;

describe('the local DynamoDB stream source redelivers as Lambda does, and the aggregator counts once', () => {
  it('after a partial batch response, redelivers from the first failed record; what the aggregator applied before counts once', async () => {
    // Prepare
    const { tableName, userIds } = await streamWithSessions(4, 5);
    const deliveries: unknown[][] = [];
    const failingOnce: StreamHandler = async (event) => {
      deliveries.push(event.Records);
      const result = await aggregator(event);
      // The first delivery applies every record, then reports the second half failed.
      if (deliveries.length === 1) return { batchItemFailures: event.Records.slice(12).map((record) => ({ itemIdentifier: sequenceOf(record) })) };
      return result;
    };

    // Act
    const failures = await deliverAll([subscription(tableName, failingOnce)]);

    // Assess
    expect(failures).toEqual([]);
    expect(deliveries.map((records) => records.length)).toEqual([20, 8]);
    expect(deliveries[1]!.map(sequenceOf)).toEqual(deliveries[0]!.slice(12).map(sequenceOf));
    expect(await Promise.all(userIds.map(sessionsCounted))).toEqual([5, 5, 5, 5]);
    await runtime.dynamodb.client.send(new DeleteTableCommand({ TableName: tableName }));
  });

  it('after a failure thrown once the writes were made, redelivers the whole batch and still counts each event once', async () => {
    // Prepare
    const { tableName, userIds } = await streamWithSessions(3, 4);
    const deliveries: number[] = [];
    const throwingOnce: StreamHandler = async (event) => {
      deliveries.push(event.Records.length);
      const result = await aggregator(event);
      if (deliveries.length === 1) throw new Error('timed out after writing');
      return result;
    };

    // Act
    const failures = await deliverAll([subscription(tableName, throwingOnce, { reportBatchItemFailures: false })]);

    // Assess
    expect(failures).toEqual([]);
    expect(deliveries).toEqual([12, 12]);
    expect(await Promise.all(userIds.map(sessionsCounted))).toEqual([4, 4, 4]);
    await runtime.dynamodb.client.send(new DeleteTableCommand({ TableName: tableName }));
  });

  it('bisects around a record that always fails, gives it up after the retries and delivers the rest', async () => {
    // Prepare
    const { tableName } = await streamWithSessions(2, 4);
    const delivered = new Set<string>();
    let poison: string | undefined;
    const poisoned: StreamHandler = async (event) => {
      poison ??= sequenceOf(event.Records[5]);
      if (event.Records.some((record) => sequenceOf(record) === poison)) throw new Error('cannot handle this record');
      for (const record of event.Records) delivered.add(sequenceOf(record));
    };

    // Act
    const failures = await deliverAll([
      subscription(tableName, poisoned, { reportBatchItemFailures: false, bisectBatchOnError: true, maximumRetryAttempts: 4, batchSize: 8 }),
    ]);

    // Assess
    expect(failures).toEqual([{ functionName: 'AggregateEventsUnderTest', error: 'cannot handle this record', records: 1 }]);
    expect(delivered.size).toBe(7);
    expect(delivered.has(poison!)).toBe(false);
    await runtime.dynamodb.client.send(new DeleteTableCommand({ TableName: tableName }));
  });

  it('gives each mapping its own position and filter, and keeps a partition key in order across parallel batches', async () => {
    // Prepare
    const { tableName, userIds } = await streamWithSessions(6, 4);
    const firstUser = userIds[0]!;
    const filtered: string[] = [];
    const parallel: Array<{ pk: string; sequence: string }[]> = [];
    const onlyFirstUser = subscription(tableName, async (event) => void filtered.push(...event.Records.map(sequenceOf)), {
      functionName: 'OnlyFirstUser',
      filters: [{ dynamodb: { Keys: { pk: { S: [`USER#${firstUser}`] } } } }],
    });
    let inFlight = 0;
    let mostInFlight = 0;
    const inParallel = subscription(
      tableName,
      async (event) => {
        inFlight += 1;
        mostInFlight = Math.max(mostInFlight, inFlight);
        parallel.push(event.Records.map((record) => ({ pk: (record as StreamRecordSeen).dynamodb.Keys.pk.S, sequence: sequenceOf(record) })));
        // Yield once, so batches started together overlap.
        await new Promise((resolve) => setImmediate(resolve));
        inFlight -= 1;
      },
      { functionName: 'InParallel', parallelizationFactor: 4, batchSize: 5 },
    );

    // Act
    const failures = await deliverAll([onlyFirstUser, inParallel]);

    // Assess
    expect(failures).toEqual([]);
    expect(filtered).toHaveLength(4);
    const all = parallel.flat();
    expect(all).toHaveLength(24);
    for (const userId of userIds) {
      const ofUser = all.filter((record) => record.pk === `USER#${userId}`).map((record) => BigInt(record.sequence));
      expect(ofUser).toEqual([...ofUser].sort((a, b) => (a < b ? -1 : 1)));
    }
    expect(parallel.every((batch) => batch.length <= 5)).toBe(true);
    expect(mostInFlight).toBeGreaterThan(1);
    await runtime.dynamodb.client.send(new DeleteTableCommand({ TableName: tableName }));
  });

  it('a mapping further behind than the shared records reads on its own, and still gets every record once and in order', async () => {
    // Prepare: a fast and a slow mapping over one stream, the shared reader keeping at most 10 records.
    const { tableName, userIds } = await streamWithSessions(1, 5);
    const sessions = async (from: number, count: number) => {
      const at = runtime.clock.now().getTime() - 3_600_000;
      const events = Array.from({ length: count }, (_, i) =>
        BehaviourEvent.parse({
          eventId: `${userIds[0]}-x${from + i}`,
          userId: userIds[0],
          type: 'session',
          timestamp: new Date(at + (from + i) * 1000).toISOString(),
        }),
      );
      for (const event of events) await batchPut(documents, tableName, [rawEventItem(event, 400)], 1);
    };
    const seen = { fast: [] as string[], slow: [] as string[] };
    let holdSlow = false;
    const fast = subscription(tableName, async (event) => void seen.fast.push(...event.Records.map(sequenceOf)), { functionName: 'Fast' });
    const slow = subscription(
      tableName,
      async (event) => {
        seen.slow.push(...event.Records.map(sequenceOf));
        if (!holdSlow) return;
        holdSlow = false;
        // While this batch is in the slow consumer, 30 more records come and the fast one reads
        // them all, five at a time: the shared reader drops what is over 10 records behind.
        for (let from = 0; from < 30; from += 5) {
          await sessions(from, 5);
          await sources.settle((name) => name === 'Fast');
        }
      },
      { functionName: 'Slow', batchSize: 2 },
    );
    const sources = new StreamEventSources(
      runtime.dynamodb.client,
      runtime.dynamodb.endpoint,
      { region: LOCAL_REGION, credentials: runtime.dynamodb.credentials },
      [fast, slow],
      null,
      undefined,
      { sharedRecordsLimit: 10 },
    );
    await sources.settle();
    await sessions(100, 5);
    holdSlow = true;

    // Act
    await sources.settle();
    await sources.stop();

    // Assess
    expect(sources.failures).toEqual([]);
    expect(seen.fast).toHaveLength(40);
    for (const sequences of [seen.fast, seen.slow]) {
      expect(sequences).toEqual([...seen.fast].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1)));
    }
    expect(sources.ownPagesRead('Slow')).toBeGreaterThan(0);
    expect(sources.ownPagesRead('Fast')).toBe(0);
    await runtime.dynamodb.client.send(new DeleteTableCommand({ TableName: tableName }));
  });

  it('resumes each mapping from its own checkpoint after a restart: nothing delivered again', async () => {
    // Prepare
    const { tableName } = await streamWithSessions(2, 3);
    const folder = mkdtempSync(join(tmpdir(), 'rekindle-checkpoints-'));
    const checkpointFile = join(folder, 'stream-checkpoints.json');
    const seen = { fast: [] as string[], slow: [] as string[] };
    const recording = (name: keyof typeof seen) =>
      subscription(tableName, async (event) => void seen[name].push(...event.Records.map(sequenceOf)), { functionName: name });
    await deliverAll([recording('fast')], checkpointFile);
    const later = BehaviourEvent.parse({ eventId: `late-${randomUUID()}`, userId: 'rd-late', type: 'session', timestamp: runtime.clock.now().toISOString() });
    await batchPut(documents, tableName, [rawEventItem(later, 400)], 1);

    // Act
    await deliverAll([recording('fast'), recording('slow')], checkpointFile);

    // Assess
    expect(seen.fast).toHaveLength(7);
    expect(new Set(seen.fast).size).toBe(7);
    expect(seen.slow).toHaveLength(7);
    rmSync(folder, { recursive: true, force: true });
    await runtime.dynamodb.client.send(new DeleteTableCommand({ TableName: tableName }));
  });
});
