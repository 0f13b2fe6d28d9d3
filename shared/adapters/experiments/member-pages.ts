import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { MemberPages } from '../../domain/experiments';
import { JourneyMember } from '../../domain/journeys';
import { journeyKeys, MEMBER_SHARDS } from '../journeys/journey-keys';
import { CorruptExperimentItem } from './errors';

/** A journey's member items, one Query page of one shard at a time; the cursor is the last user id read (the sort key). */
export class DynamoMemberPages implements MemberPages {
  readonly shards = MEMBER_SHARDS;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly operationsTable: string,
  ) {}

  async page(journeyId: string, shard: number, cursor: string | undefined, limit: number): Promise<{ members: JourneyMember[]; cursor: string | undefined }> {
    const pk = journeyKeys.memberPk(journeyId, shard);
    const answer = await this.client.send(
      new QueryCommand({
        TableName: this.operationsTable,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': pk },
        Limit: limit,
        ...(cursor === undefined ? {} : { ExclusiveStartKey: { pk, sk: cursor } }),
      }),
    );
    const members = (answer.Items ?? []).map((item) => {
      const parsed = JourneyMember.safeParse(item);
      if (!parsed.success) throw new CorruptExperimentItem(`member ${String(item.sk)} of ${journeyId} does not parse`, { cause: parsed.error });
      return parsed.data;
    });
    const last = answer.LastEvaluatedKey?.sk;
    return { members, cursor: typeof last === 'string' ? last : undefined };
  }
}
