import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ExperimentSnapshot, type ExperimentSnapshotStore } from '../../domain/experiments';
import { CorruptExperimentItem } from './errors';

/** Where a journey's last experiment tally lives in the operations table, beside its rollout state. */
export const snapshotKey = (journeyId: string) => ({ pk: `EXPERIMENT#${journeyId}`, sk: 'TALLY' });

/** The last tally as one item (a few KB: O(stages + variants)), replaced only by a later one. */
export class DynamoExperimentSnapshotStore implements ExperimentSnapshotStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly operationsTable: string,
  ) {}

  async latest(journeyId: string): Promise<ExperimentSnapshot | undefined> {
    const answer = await this.client.send(new GetCommand({ TableName: this.operationsTable, Key: snapshotKey(journeyId), ConsistentRead: true }));
    if (!answer.Item) return undefined;
    const parsed = ExperimentSnapshot.safeParse(answer.Item.snapshot);
    if (!parsed.success) throw new CorruptExperimentItem(`experiment tally of ${journeyId} does not parse`, { cause: parsed.error });
    return parsed.data;
  }

  async save(snapshot: ExperimentSnapshot): Promise<boolean> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.operationsTable,
          Item: { ...snapshotKey(snapshot.journeyId), snapshot, asOf: snapshot.asOf },
          ConditionExpression: 'attribute_not_exists(pk) OR asOf < :asOf',
          ExpressionAttributeValues: { ':asOf': snapshot.asOf },
        }),
      );
      return true;
    } catch (error) {
      if ((error as Error).name === 'ConditionalCheckFailedException') return false;
      throw error;
    }
  }
}
