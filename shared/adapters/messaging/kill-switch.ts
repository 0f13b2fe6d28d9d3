import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { KillSwitchState, type KillSwitchReader } from '../../domain/messaging';
import { CorruptMessagingItemError } from './errors';
import { messagingKeys } from './keys';

/**
 * The kill switch: one item for the whole system. Read strongly consistent by every send and never
 * cached, so turning it on stops the very next non-core message; at the SES rate (tens a second)
 * one item's read capacity is far from a limit.
 */
export class DynamoKillSwitch implements KillSwitchReader {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly operationsTable: string,
  ) {}

  async read(): Promise<KillSwitchState> {
    const answer = await this.client.send(new GetCommand({ TableName: this.operationsTable, Key: messagingKeys.killSwitchKey, ConsistentRead: true }));
    if (answer.Item === undefined) return { active: false };
    const parsed = KillSwitchState.safeParse(answer.Item.state);
    if (!parsed.success) throw new CorruptMessagingItemError('kill switch', { cause: parsed.error });
    return parsed.data;
  }

  async write(state: KillSwitchState, at: Date): Promise<void> {
    await this.client.send(new PutCommand({ TableName: this.operationsTable, Item: { ...messagingKeys.killSwitchKey, state, updatedAt: at.toISOString() } }));
  }
}
