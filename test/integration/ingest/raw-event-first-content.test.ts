import { DeleteTableCommand, DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { DescribeStreamCommand, DynamoDBStreamsClient, GetRecordsCommand, GetShardIteratorCommand } from '@aws-sdk/client-dynamodb-streams';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_REGION } from '../../../infra/local/local-aws';
import type { LocalRuntime } from '../../../infra/local/local-runtime';
import { RawEventFirstContent } from '../../../shared/adapters/dynamodb/raw-event-first-content';
import { rawEventItem } from '../../../shared/adapters/dynamodb/raw-event-store';
import { BehaviourEvent } from '../../../shared/domain/events/behaviour-event';
import { startTestRuntime } from '../../support/test-runtime';
import { createKeyedTable } from '../../support/tables';

/**
 * The first-content restore on DynamoDB Local, over a table of its own shaped like the raw-event
 * table (so the runtime's mappings never see it): its real stream records are handed to the
 * restore in the batches a test chooses, to place a racing re-send exactly.
 */
let runtime: LocalRuntime;
let documents: DynamoDBDocumentClient;
let streams: DynamoDBStreamsClient;
let tableName: string;
let restore: RawEventFirstContent;
const read: Set<string> = new Set();

beforeAll(async () => {
  runtime = await startTestRuntime();
  documents = DynamoDBDocumentClient.from(runtime.dynamodb.client);
  streams = new DynamoDBStreamsClient({ endpoint: runtime.dynamodb.endpoint, region: LOCAL_REGION, credentials: runtime.dynamodb.credentials });
  tableName = await createKeyedTable(runtime.dynamodb.client, 'first-content', { stream: true });
  restore = new RawEventFirstContent(documents, tableName);
});
afterAll(async () => {
  await runtime?.dynamodb.client.send(new DeleteTableCommand({ TableName: tableName })).catch(() => undefined);
  await runtime?.stop();
});

/** The stream records written since the last call (all shards, in order), as a Lambda batch gets them. */
async function newRecords(): Promise<DynamoDBRecord[]> {
  const arn = (await runtime.dynamodb.client.send(new DescribeTableCommand({ TableName: tableName }))).Table!.LatestStreamArn!;
  const shards = (await streams.send(new DescribeStreamCommand({ StreamArn: arn }))).StreamDescription!.Shards!;
  const records: DynamoDBRecord[] = [];
  for (const shard of shards) {
    let iterator = (await streams.send(new GetShardIteratorCommand({ StreamArn: arn, ShardId: shard.ShardId!, ShardIteratorType: 'TRIM_HORIZON' })))
      .ShardIterator;
    while (iterator) {
      const page = await streams.send(new GetRecordsCommand({ ShardIterator: iterator }));
      for (const record of page.Records ?? []) {
        if (read.has(record.dynamodb!.SequenceNumber!)) continue;
        read.add(record.dynamodb!.SequenceNumber!);
        records.push(record as DynamoDBRecord);
      }
      if (!page.Records?.length) break;
      iterator = page.NextShardIterator;
    }
  }
  return records;
}

const batchOf = (records: DynamoDBRecord[]): DynamoDBStreamEvent => ({ Records: records });

function purchase(eventId: string, amount: number) {
  return BehaviourEvent.parse({
    eventId,
    userId: 'fc-user',
    type: 'purchase',
    orderId: `${eventId}-o`,
    amount,
    currency: 'CNY',
    timestamp: '2026-11-30T08:00:00Z',
  });
}

const send = (event: BehaviourEvent) => documents.send(new PutCommand({ TableName: tableName, Item: rawEventItem(event, 400) }));

async function storedAmount(eventId: string) {
  const { Item } = await documents.send(new GetCommand({ TableName: tableName, Key: { pk: 'USER#fc-user', sk: `EVENT#${eventId}` }, ConsistentRead: true }));
  return (JSON.parse(Item!.event as string) as { amount: number }).amount;
}

describe('the raw item keeps its id first content', () => {
  it('undoes a third re-send that landed before the restore of the second, across two batches', async () => {
    // Prepare: first content 10; a re-send with 20 is the first batch's MODIFY; 30 lands before it is handled.
    await send(purchase('e-race', 10));
    await newRecords();
    await send(purchase('e-race', 20));
    const firstBatch = await newRecords();
    await send(purchase('e-race', 30));
    const secondBatch = await newRecords();

    // Act: the batches in stream order, then what the restores wrote (a redelivery of both too).
    const first = await restore.restore(batchOf(firstBatch));
    const second = await restore.restore(batchOf([...secondBatch, ...(await newRecords())]));
    const again = await restore.restore(batchOf([...firstBatch, ...secondBatch]));

    // Assess
    expect(await storedAmount('e-race')).toBe(10);
    expect([first.restored, second.restored, again.restored]).toEqual([1, 0, 0]);
  });

  it('writes nothing for its own restore, nor for a batch without a change', async () => {
    // Prepare
    await send(purchase('e-quiet', 10));
    const inserts = await newRecords();
    await send(purchase('e-quiet', 20));
    await restore.restore(batchOf(await newRecords()));

    // Act
    const own = await restore.restore(batchOf(await newRecords()));
    const quiet = await restore.restore(batchOf(inserts));

    // Assess
    expect([own.restored, quiet.restored]).toEqual([0, 0]);
    expect(await newRecords()).toEqual([]);
    expect(await storedAmount('e-quiet')).toBe(10);
  });
});
