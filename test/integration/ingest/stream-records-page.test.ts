import { DeleteTableCommand, DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { DescribeStreamCommand, DynamoDBStreamsClient, GetRecordsCommand, GetShardIteratorCommand } from '@aws-sdk/client-dynamodb-streams';
import { DeleteCommand, DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_REGION } from '../../../infra/local/local-aws';
import type { LocalRuntime } from '../../../infra/local/local-runtime';
import { getRecords } from '../../../infra/local/stream-event-sources';
import { startTestRuntime } from '../../support/test-runtime';
import { createKeyedTable } from '../../support/tables';

/**
 * The local stream source reads GetRecords pages without the SDK's deserializer: on DynamoDB
 * Local's real stream of a table of its own, every page must come out as the SDK makes it.
 */
let runtime: LocalRuntime;
let streams: DynamoDBStreamsClient;
let tableName: string;

beforeAll(async () => {
  runtime = await startTestRuntime();
  streams = new DynamoDBStreamsClient({ endpoint: runtime.dynamodb.endpoint, region: LOCAL_REGION, credentials: runtime.dynamodb.credentials });
  tableName = await createKeyedTable(runtime.dynamodb.client, 'records-page', { stream: true });
});
afterAll(async () => {
  await runtime?.dynamodb.client.send(new DeleteTableCommand({ TableName: tableName })).catch(() => undefined);
  await runtime?.stop();
});

async function trimHorizonIterator(): Promise<string> {
  const arn = (await runtime.dynamodb.client.send(new DescribeTableCommand({ TableName: tableName }))).Table!.LatestStreamArn!;
  const shard = (await streams.send(new DescribeStreamCommand({ StreamArn: arn }))).StreamDescription!.Shards![0]!;
  return (await streams.send(new GetShardIteratorCommand({ StreamArn: arn, ShardId: shard.ShardId!, ShardIteratorType: 'TRIM_HORIZON' }))).ShardIterator!;
}

describe('a GetRecords page read by the local stream source', () => {
  it('holds the records the SDK deserializes: inserts, changes and removals, every kind of attribute value', async () => {
    const documents = DynamoDBDocumentClient.from(runtime.dynamodb.client);
    const item = (sk: string, version: number) => ({
      pk: 'USER#u1',
      sk,
      text: `version ${version}`,
      count: version,
      ratio: 0.25,
      flag: version % 2 === 0,
      nothing: null,
      bytes: new Uint8Array([0, 1, 2, 255, version]),
      bytesSet: new Set([new Uint8Array([7]), new Uint8Array([8, version])]),
      words: new Set(['a', `b${version}`]),
      numbers: new Set([1, 2.5, version + 10]),
      nested: { list: [1, 'two', { deep: new Uint8Array([9]) }, [false]], map: { inner: 'x' } },
    });
    for (let i = 0; i < 30; i++) await documents.send(new PutCommand({ TableName: tableName, Item: item(`EVENT#e${i % 12}`, i) }));
    await documents.send(new DeleteCommand({ TableName: tableName, Key: { pk: 'USER#u1', sk: 'EVENT#e3' } }));

    const iterator = await trimHorizonIterator();
    const bySdk = await streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
    const page = await getRecords(streams, iterator);

    expect(bySdk.Records).toHaveLength(31);
    expect(new Set(bySdk.Records!.map((record) => record.eventName))).toEqual(new Set(['INSERT', 'MODIFY', 'REMOVE']));
    expect(page.Records).toEqual(bySdk.Records);
    expect(page.Records![0]!.dynamodb!.ApproximateCreationDateTime).toBeInstanceOf(Date);
    expect(page.Records![0]!.dynamodb!.NewImage!.bytes!.B).toBeInstanceOf(Uint8Array);
    expect(page.NextShardIterator).toEqual(expect.any(String));
  });

  it('throws the SDK error of an iterator DynamoDB refuses', async () => {
    const bySdk = await streams.send(new GetRecordsCommand({ ShardIterator: 'not-an-iterator' })).catch((error: unknown) => error);
    const page = await getRecords(streams, 'not-an-iterator').catch((error: unknown) => error);
    expect(bySdk).toBeInstanceOf(Error);
    expect(page).toBeInstanceOf((bySdk as Error).constructor);
    expect((page as Error).name).toBe((bySdk as Error).name);
  });
});
