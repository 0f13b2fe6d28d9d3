import { GetCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { AudienceCell, AudienceSummary, CorruptJourneyItem, type AudienceSummaryStore } from '../../domain/journeys';
import { batchPut } from '../dynamodb/batch';
import { chunk } from '../dynamodb/client';

/** Cells per item: about 200 bytes each keeps an item far under DynamoDB's 400 KB. */
const CELLS_PER_ITEM = 1_000;

const keys = {
  latest: { pk: 'AUDIENCE_SUMMARY', sk: 'LATEST' },
  versionPk: (computedAt: string) => `AUDIENCE_SUMMARY#${computedAt}`,
  chunkSk: (index: number) => `CELLS#${String(index).padStart(4, '0')}`,
};

const Header = z.object({ scoredOn: z.string(), computedAt: z.iso.datetime(), users: z.number().int(), chunks: z.number().int().min(0) });

/**
 * The audience summary in the operations table: the cells in chunk items under a partition per
 * version, then the LATEST header pointing at that version, written last so a reader never sees a
 * half-written summary. Old versions expire by TTL after a week.
 */
export class DynamoAudienceSummaryStore implements AudienceSummaryStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly operationsTable: string,
  ) {}

  async latest(): Promise<AudienceSummary | undefined> {
    const header = await this.client.send(new GetCommand({ TableName: this.operationsTable, Key: keys.latest, ConsistentRead: true }));
    if (!header.Item) return undefined;
    const parsed = Header.safeParse(header.Item);
    if (!parsed.success) throw new CorruptJourneyItem('the audience summary header does not parse', { cause: parsed.error });
    const cells: AudienceCell[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.operationsTable,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': keys.versionPk(parsed.data.computedAt) },
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) cells.push(...z.array(AudienceCell).parse(item.cells));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    const { chunks: _chunks, ...summary } = parsed.data;
    return AudienceSummary.parse({ ...summary, cells });
  }

  async save(summary: AudienceSummary): Promise<void> {
    const expiresAt = Math.floor(Date.parse(summary.computedAt) / 1000) + 7 * 86_400;
    const items = chunk(summary.cells, CELLS_PER_ITEM).map((cells, index) => ({
      pk: keys.versionPk(summary.computedAt),
      sk: keys.chunkSk(index),
      cells,
      expiresAt,
    }));
    await batchPut(this.client, this.operationsTable, items);
    const header = { ...keys.latest, scoredOn: summary.scoredOn, computedAt: summary.computedAt, users: summary.users, chunks: items.length };
    await this.client.send(new PutCommand({ TableName: this.operationsTable, Item: header }));
  }
}
