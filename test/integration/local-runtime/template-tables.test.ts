import { DescribeTableCommand, DescribeTimeToLiveCommand, ListTablesCommand, UpdateTableCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTableInput, untilIndex } from '../../../infra/local/dynamodb-local';
import type { LocalRuntime } from '../../../infra/local/local-runtime';
import { SynthesizedApp } from '../../../infra/local/template';
import { startTestRuntime } from '../../support/test-runtime';

let runtime: LocalRuntime;

beforeAll(async () => {
  runtime = await startTestRuntime();
});
afterAll(async () => {
  await runtime?.stop();
});

interface DeclaredIndex {
  IndexName: string;
  KeySchema: unknown;
  Projection: { ProjectionType: string; NonKeyAttributes?: string[] };
}

/** A projection as DescribeTable or the template states it, attributes in order. */
function projectionOf(projection: { ProjectionType?: string; NonKeyAttributes?: string[] } | undefined) {
  return { type: projection?.ProjectionType, attributes: [...(projection?.NonKeyAttributes ?? [])].sort() };
}

describe('the local runtime and the template', () => {
  it('creates exactly the tables, keys, indexes, streams and TTL the template declares', async () => {
    // Prepare
    const declared = runtime.app.resourcesOfType('AWS::DynamoDB::Table');

    // Act
    const listed = await runtime.dynamodb.client.send(new ListTablesCommand({}));

    // Assess
    expect([...(listed.TableNames ?? [])].sort()).toEqual(declared.map((t) => SynthesizedApp.localName(t.stackName, t.logicalId)).sort());
    for (const table of declared) {
      const name = SynthesizedApp.localName(table.stackName, table.logicalId);
      const { Table } = await runtime.dynamodb.client.send(new DescribeTableCommand({ TableName: name }));
      expect(Table?.KeySchema).toEqual(table.Properties?.KeySchema);
      const indexes = (table.Properties?.GlobalSecondaryIndexes ?? []) as DeclaredIndex[];
      expect((Table?.GlobalSecondaryIndexes ?? []).map((index) => [index.IndexName, index.KeySchema, projectionOf(index.Projection)]).sort()).toEqual(
        indexes.map((index) => [index.IndexName, index.KeySchema, projectionOf(index.Projection)]).sort(),
      );
      const stream = table.Properties?.StreamSpecification as { StreamViewType: string } | undefined;
      expect(Table?.StreamSpecification?.StreamViewType).toBe(stream?.StreamViewType);
      const ttl = await runtime.dynamodb.client.send(new DescribeTimeToLiveCommand({ TableName: name }));
      const declaredTtl = table.Properties?.TimeToLiveSpecification as { AttributeName: string } | undefined;
      expect(ttl.TimeToLiveDescription?.AttributeName).toBe(declaredTtl?.AttributeName);
    }
  });

  it('serves every route of the template, each behind its authorizer', async () => {
    // Prepare
    const routes = runtime.app.resourcesOfType('AWS::ApiGatewayV2::Route').map((route) => ({
      key: String(route.Properties?.RouteKey),
      protected: route.Properties?.AuthorizationType === 'CUSTOM' || route.Properties?.AuthorizationType === 'AWS_IAM',
    }));

    // Act: call each without credentials.
    const answers = await Promise.all(
      routes.map(async (route) => {
        const [method, path] = route.key.split(' ') as [string, string];
        const response = await fetch(`${runtime.apiUrl}${path.replace(/\{[^}]+\}/g, 'x')}`, { method });
        await response.text();
        return { ...route, status: response.status };
      }),
    );

    // Assess: a served, protected route refuses with 401; a served public one answers anything but
    // the gateway's 404 for a route it does not have.
    expect(answers.length).toBeGreaterThanOrEqual(3);
    for (const answer of answers) {
      if (answer.protected) expect(answer.status, answer.key).toBe(401);
      else expect(answer.status, answer.key).not.toBe(404);
    }
  });

  it('gives a table persisted by an earlier version the projection the template now declares, its items indexed as they are', async () => {
    // Prepare: the users table as an earlier version left it, its audience index projecting other attributes.
    const users = createTableInput(runtime.app.resourcesOfType('AWS::DynamoDB::Table').find((table) => table.logicalId.startsWith('UsersTable'))!);
    const tableName = users.TableName!;
    const declared = users.GlobalSecondaryIndexes!.find((index) => index.IndexName === 'AudienceIndex')!;
    const keyNames = new Set(declared.KeySchema!.map((key) => key.AttributeName));
    const client = runtime.dynamodb.client;
    await client.send(new UpdateTableCommand({ TableName: tableName, GlobalSecondaryIndexUpdates: [{ Delete: { IndexName: 'AudienceIndex' } }] }));
    await untilIndex(client, tableName, 'AudienceIndex', 'gone');
    await client.send(
      new UpdateTableCommand({
        TableName: tableName,
        AttributeDefinitions: users.AttributeDefinitions!.filter((definition) => keyNames.has(definition.AttributeName)),
        GlobalSecondaryIndexUpdates: [
          { Create: { IndexName: 'AudienceIndex', KeySchema: declared.KeySchema, Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['churnRisk'] } } },
        ],
      }),
    );
    await untilIndex(client, tableName, 'AudienceIndex', 'ACTIVE');
    const documents = DynamoDBDocumentClient.from(client);
    await documents.send(
      new PutCommand({
        TableName: tableName,
        Item: { pk: 'USER#old', sk: 'SCORE', userId: 'old', tier: 'R3', clvBand: 2, audienceShard: 'AUDIENCE#9', audienceKey: 'R3#old' },
      }),
    );

    // Act: the next start.
    await runtime.dynamodb.createTablesFrom(runtime.app);

    // Assess
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    const index = Table?.GlobalSecondaryIndexes?.find((candidate) => candidate.IndexName === 'AudienceIndex');
    expect(projectionOf(index?.Projection)).toEqual(projectionOf(declared.Projection));
    const found = await documents.send(
      new QueryCommand({
        TableName: tableName,
        IndexName: 'AudienceIndex',
        KeyConditionExpression: 'audienceShard = :shard',
        ExpressionAttributeValues: { ':shard': 'AUDIENCE#9' },
      }),
    );
    expect(found.Items).toEqual([expect.objectContaining({ userId: 'old', tier: 'R3', clvBand: 2 })]);
  });
});
