import { GetCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { BgnbdParams, GammaGammaParams } from '../../domain/models';
import {
  RunSummary,
  SegmentCounts,
  type ModelParameterSet,
  type ModelParamsStore,
  type RunReader,
  type RunRecord,
  type RunStore,
} from '../../domain/scoring-run';
import { scoringKeys } from './scoring-keys';

const StoredParams = z.object({
  version: z.string(),
  fittedOn: z.iso.date(),
  source: z.enum(['fitted', 'default']),
  bgnbd: BgnbdParams,
  gammagamma: GammaGammaParams,
  customers: z.number().int().min(0),
  converged: z.boolean(),
});

const SegmentProgress = z.object({ segment: z.number().int().min(0), done: z.boolean(), counts: SegmentCounts });
const Prepared = z.object({ date: z.string(), totalSegments: z.number().int(), estimatedUsers: z.number().int(), startedAt: z.string() });

export type { RunRecord } from '../../domain/scoring-run';

/** Model parameter sets and run bookkeeping in the operations table (keys in scoring-keys.ts). */
export class DynamoScoringStores implements ModelParamsStore, RunStore, RunReader {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /**
   * The newest set fitted on or before `date`. A day can hold both the default set (its first run
   * could not fit) and a fitted one (a later run that day could): the fitted one is the newer, though
   * `params-default` sorts after `params-<date>` in the day's keys, so the day's two are compared.
   */
  async latestOnOrBefore(date: string): Promise<ModelParameterSet | null> {
    const answer = await this.client.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND sk <= :to',
        ExpressionAttributeValues: { ':pk': scoringKeys.paramsPk, ':to': `${date}#~` },
        ScanIndexForward: false,
        Limit: 2,
        ConsistentRead: true,
      }),
    );
    const [newest, before] = (answer.Items ?? []).map((item) => StoredParams.parse(item));
    if (newest?.source === 'default' && before?.source === 'fitted' && before.fittedOn === newest.fittedOn) return before;
    return newest ?? null;
  }

  async put(params: ModelParameterSet): Promise<void> {
    await this.client.send(
      new PutCommand({ TableName: this.tableName, Item: { pk: scoringKeys.paramsPk, sk: scoringKeys.paramsSk(params.fittedOn, params.version), ...params } }),
    );
  }

  async putPrepared(run: { runId: string; date: string; totalSegments: number; estimatedUsers: number; startedAt: string }): Promise<void> {
    const { runId, ...rest } = run;
    await this.client.send(new PutCommand({ TableName: this.tableName, Item: { pk: scoringKeys.runPk(runId), sk: scoringKeys.preparedSk, ...rest } }));
  }

  async putSegmentProgress(runId: string, segment: number, counts: SegmentCounts, done: boolean): Promise<void> {
    await this.client.send(
      new PutCommand({ TableName: this.tableName, Item: { pk: scoringKeys.runPk(runId), sk: scoringKeys.segmentSk(segment), segment, done, counts } }),
    );
  }

  async putSummary(summary: RunSummary): Promise<void> {
    await Promise.all([
      this.client.send(new PutCommand({ TableName: this.tableName, Item: { pk: scoringKeys.runPk(summary.runId), sk: scoringKeys.summarySk, ...summary } })),
      this.client.send(new PutCommand({ TableName: this.tableName, Item: { pk: scoringKeys.latestPk, sk: scoringKeys.summarySk, ...summary } })),
    ]);
  }

  async getRun(runId: string): Promise<RunRecord> {
    const record: RunRecord = { prepared: null, segments: [], summary: null };
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': scoringKeys.runPk(runId) },
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) {
        const sk = String(item.sk);
        if (sk === scoringKeys.preparedSk) record.prepared = Prepared.parse(item);
        else if (sk === scoringKeys.summarySk) record.summary = RunSummary.parse(item);
        else if (sk.startsWith(scoringKeys.segmentPrefix)) record.segments.push(SegmentProgress.parse(item));
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return record;
  }

  async latestSummary(): Promise<RunSummary | null> {
    const answer = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: scoringKeys.latestPk, sk: scoringKeys.summarySk }, ConsistentRead: true }),
    );
    return answer.Item ? RunSummary.parse(answer.Item) : null;
  }
}
