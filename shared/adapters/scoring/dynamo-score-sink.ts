import { BatchWriteCommand, GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { StoredScore, type ScoreSink } from '../../domain/scoring-run';
import { chunk, forEachConcurrently } from '../dynamodb/client';
import { UnprocessedItemsError } from '../dynamodb/batch';
import { audienceIndexAttributes } from '../dynamodb/audience-index';
import { keys } from '../dynamodb/keys';
import { scoringKeys } from './scoring-keys';

const MAX_ROUNDS = 10;
const CONCURRENCY = 4;

function backoff(round: number): Promise<void> {
  // Full jitter, as for every batch retry: throttled writers spread out instead of stampeding.
  return new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(2000, 25 * 2 ** round)));
}

/**
 * SCORE items in the users table, with the audience index's keys (see audience-index.ts): batch
 * writes with unprocessed items retried, units counted.
 */
export class DynamoScoreSink implements ScoreSink {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async write(items: readonly StoredScore[]): Promise<{ writeUnits: number }> {
    let writeUnits = 0;
    await forEachConcurrently(chunk(items, 25), CONCURRENCY, async (group) => {
      let pending = group.map((score) => ({
        // The keys last: a score object carrying other keys (a copy of a stored item) is still written under its own user.
        PutRequest: { Item: { ...score, pk: keys.userPk(score.userId), sk: scoringKeys.scoreSk, ...audienceIndexAttributes(score) } },
      }));
      for (let round = 0; pending.length > 0; round += 1) {
        if (round >= MAX_ROUNDS) throw new UnprocessedItemsError(`${pending.length} score items stayed unprocessed after ${MAX_ROUNDS} attempts`);
        if (round > 0) await backoff(round);
        const answer = await this.client.send(new BatchWriteCommand({ RequestItems: { [this.tableName]: pending }, ReturnConsumedCapacity: 'TOTAL' }));
        writeUnits += (answer.ConsumedCapacity ?? []).reduce((sum, used) => sum + (used.CapacityUnits ?? 0), 0);
        pending = (answer.UnprocessedItems?.[this.tableName] ?? []).flatMap((request) =>
          request.PutRequest?.Item ? [{ PutRequest: { Item: request.PutRequest.Item } }] : [],
        ) as typeof pending;
      }
    });
    return { writeUnits };
  }
}

/** Reads one user's stored score (for GET /v1/users/{userId} and `rekindle users show`). */
export class DynamoScoreStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async getScore(userId: string): Promise<StoredScore | null> {
    const answer = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { pk: keys.userPk(userId), sk: scoringKeys.scoreSk } }));
    if (!answer.Item) return null;
    const parsed = StoredScore.safeParse(answer.Item);
    return parsed.success ? parsed.data : null;
  }
}
