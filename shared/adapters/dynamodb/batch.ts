import { BatchGetCommand, BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { chunk, forEachConcurrently } from './client';

type Key = Record<string, string>;
type Item = Record<string, unknown>;

export class UnprocessedItemsError extends Error {
  override readonly name = 'UnprocessedItemsError';
}

const MAX_ROUNDS = 10;

function backoff(round: number): Promise<void> {
  // Full jitter: spreads retries of throttled batches instead of stampeding together.
  const ceiling = Math.min(2000, 25 * 2 ** round);
  return new Promise((resolve) => setTimeout(resolve, Math.random() * ceiling));
}

type WriteRequest = { PutRequest: { Item: Item } } | { DeleteRequest: { Key: Key } };

/** Sends every put or delete in batches of 25, retrying unprocessed ones with jittered backoff. */
async function batchWrite(client: DynamoDBDocumentClient, tableName: string, requests: readonly WriteRequest[], concurrency: number): Promise<void> {
  await forEachConcurrently(chunk(requests, 25), concurrency, async (group) => {
    let pending = group;
    for (let round = 0; pending.length > 0; round++) {
      if (round >= MAX_ROUNDS) throw new UnprocessedItemsError(`${pending.length} writes to ${tableName} stayed unprocessed after ${MAX_ROUNDS} attempts`);
      if (round > 0) await backoff(round);
      const answer = await client.send(new BatchWriteCommand({ RequestItems: { [tableName]: [...pending] } }));
      pending = (answer.UnprocessedItems?.[tableName] ?? []) as WriteRequest[];
    }
  });
}

/** Writes every item, retrying unprocessed ones with jittered backoff; throws if any remain. */
export async function batchPut(client: DynamoDBDocumentClient, tableName: string, items: readonly Item[], concurrency = 8): Promise<void> {
  await batchWrite(
    client,
    tableName,
    items.map((Item) => ({ PutRequest: { Item } })),
    concurrency,
  );
}

/** Deletes every key, retrying unprocessed ones with jittered backoff; throws if any remain. */
export async function batchDelete(client: DynamoDBDocumentClient, tableName: string, keys: readonly Key[], concurrency = 8): Promise<void> {
  await batchWrite(
    client,
    tableName,
    keys.map((Key) => ({ DeleteRequest: { Key } })),
    concurrency,
  );
}

/** Reads every key (projecting `projection` if given), retrying unprocessed keys. */
export async function batchGet(
  client: DynamoDBDocumentClient,
  tableName: string,
  keys: readonly Key[],
  options: { projection?: string[]; concurrency?: number; consistentRead?: boolean } = {},
): Promise<Item[]> {
  const found: Item[] = [];
  const names = options.projection ? Object.fromEntries(options.projection.map((name, i) => [`#p${i}`, name])) : undefined;
  await forEachConcurrently(chunk(keys, 100), options.concurrency ?? 8, async (group) => {
    let pending: Key[] = group;
    for (let round = 0; pending.length > 0; round++) {
      if (round >= MAX_ROUNDS) throw new UnprocessedItemsError(`${pending.length} keys of ${tableName} stayed unprocessed after ${MAX_ROUNDS} attempts`);
      if (round > 0) await backoff(round);
      const answer = await client.send(
        new BatchGetCommand({
          RequestItems: {
            [tableName]: {
              Keys: pending,
              ...(options.consistentRead ? { ConsistentRead: true } : {}),
              ...(names ? { ProjectionExpression: Object.keys(names).join(', '), ExpressionAttributeNames: names } : {}),
            },
          },
        }),
      );
      found.push(...(answer.Responses?.[tableName] ?? []));
      pending = (answer.UnprocessedKeys?.[tableName]?.Keys ?? []) as Key[];
    }
  });
  return found;
}
