import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../../infra/local/local-runtime';
import { batchPut } from '../../../shared/adapters/dynamodb/batch';
import { keys } from '../../../shared/adapters/dynamodb/keys';
import { DynamoUserScanner } from '../../../shared/adapters/scoring/dynamo-user-scanner';
import { startTestRuntime } from '../../support/test-runtime';
import { createKeyedTable } from '../../support/tables';

/** The sample that sets the night's cut points, on DynamoDB Local: it must not read the whole table. */
let runtime: LocalRuntime;
let documents: DynamoDBDocumentClient;

beforeAll(async () => {
  runtime = await startTestRuntime();
  documents = DynamoDBDocumentClient.from(runtime.dynamodb.client);
});
afterAll(async () => {
  await runtime?.stop();
});

async function tableOfUsers(users: number): Promise<string> {
  const tableName = await createKeyedTable(runtime.dynamodb.client, 'sample');
  const items = Array.from({ length: users }, (_, i) => ({ pk: keys.userPk(`s-${i}`), sk: keys.profileSk, createdAt: '2026-01-01T00:00:00.000Z' }));
  await batchPut(documents, tableName, items);
  return tableName;
}

describe('the cut-point sample', () => {
  it('reads an eighth of a 2,000-user table for a target larger than the table, not all of it', async () => {
    // Prepare
    const tableName = await tableOfUsers(2000);
    const scanner = new DynamoUserScanner(documents, tableName);

    // Act
    const sample = await scanner.sample(5000);

    // Assess
    expect(sample.fraction).toBeLessThanOrEqual(1 / 8);
    expect(sample.users.length).toBeGreaterThanOrEqual(200);
    expect(sample.users.length).toBeLessThan(2000 / 4);
    await runtime.dynamodb.client.send(new DeleteTableCommand({ TableName: tableName }));
  });

  it('reads on past the eighth while that holds fewer than 200 users, and stops once it holds them', async () => {
    // Prepare
    const tableName = await tableOfUsers(400);
    const scanner = new DynamoUserScanner(documents, tableName);

    // Act
    const sample = await scanner.sample(5000);

    // Assess
    expect(sample.fraction).toBeGreaterThan(1 / 8);
    expect(sample.fraction).toBeLessThan(1);
    expect(sample.users.length).toBeGreaterThanOrEqual(200);
    // Rounds read 8 of the 128 segments at a time: at most one round past the 200th user.
    expect(sample.users.length).toBeLessThan(200 + 400 / 16 + 40);
    await runtime.dynamodb.client.send(new DeleteTableCommand({ TableName: tableName }));
  });
});
