import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { RolloutState, type RolloutStateStore } from '../../domain/experiments';
import { CorruptExperimentItem } from './errors';

/** Where a journey's rollout state lives in the operations table, beside the journey's own items. */
export const rolloutKey = (journeyId: string) => ({ pk: `EXPERIMENT#${journeyId}`, sk: 'ROLLOUT' });

/** The rollout state as one item, written only if its history is still the length the writer read. */
export class DynamoRolloutStateStore implements RolloutStateStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly operationsTable: string,
  ) {}

  async get(journeyId: string): Promise<RolloutState | undefined> {
    const answer = await this.client.send(new GetCommand({ TableName: this.operationsTable, Key: rolloutKey(journeyId), ConsistentRead: true }));
    if (!answer.Item) return undefined;
    const parsed = RolloutState.safeParse(answer.Item.state);
    if (!parsed.success) throw new CorruptExperimentItem(`rollout of ${journeyId} does not parse`, { cause: parsed.error });
    return parsed.data;
  }

  async save(state: RolloutState, expectedHistory: number): Promise<boolean> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.operationsTable,
          Item: { ...rolloutKey(state.journeyId), state, historyLength: state.history.length },
          ConditionExpression: expectedHistory === 0 ? 'attribute_not_exists(pk)' : 'historyLength = :expected',
          ...(expectedHistory === 0 ? {} : { ExpressionAttributeValues: { ':expected': expectedHistory } }),
        }),
      );
      return true;
    } catch (error) {
      if ((error as Error).name === 'ConditionalCheckFailedException') return false;
      throw error;
    }
  }
}
