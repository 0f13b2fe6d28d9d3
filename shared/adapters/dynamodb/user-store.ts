import { GetCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DailyActivity } from '../../domain/events/daily-activity';
import type { DailyActivityStore } from '../../domain/events/ports';
import type { ProfileStore } from '../../domain/profiles/ports';
import type { UserProfile } from '../../domain/profiles/user-profile';
import { batchPut } from './batch';
import { expiresAfterDays, keys } from './keys';

const DAY_FIELDS = [
  'userId', 'day', 'eventCount', 'sessions', 'featureUses', 'searches', 'purchases', 'purchaseAmount', 'refunds',
  'refundAmount', 'checkins', 'referralSignups', 'messageOpens', 'messageClicks', 'unsubscribes', 'firstEventAt', 'lastEventAt',
] as const;

function toActivity(item: Record<string, unknown>): DailyActivity {
  return Object.fromEntries(DAY_FIELDS.map((field) => [field, item[field]])) as unknown as DailyActivity;
}

/** Profiles and daily aggregates, both under the user's own partition key. */
export class DynamoUserStore implements DailyActivityStore, ProfileStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly aggregateRetentionDays: number,
  ) {}

  async putAll(activities: readonly DailyActivity[]): Promise<void> {
    await batchPut(
      this.client,
      this.tableName,
      activities.map((activity) => ({
        pk: keys.userPk(activity.userId),
        sk: keys.daySk(activity.day),
        ...activity,
        expiresAt: expiresAfterDays(`${activity.day}T00:00:00Z`, this.aggregateRetentionDays),
      })),
    );
  }

  async listForUser(userId: string, fromDay?: string): Promise<DailyActivity[]> {
    const activities: DailyActivity[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: fromDay ? 'pk = :pk AND sk BETWEEN :from AND :to' : 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: fromDay
            ? { ':pk': keys.userPk(userId), ':from': keys.daySk(fromDay), ':to': `${keys.dayPrefix}~` }
            : { ':pk': keys.userPk(userId), ':prefix': keys.dayPrefix },
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) activities.push(toActivity(item));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return activities;
  }

  async getProfile(userId: string): Promise<UserProfile | null> {
    const answer = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { pk: keys.userPk(userId), sk: keys.profileSk }, ConsistentRead: true }));
    if (!answer.Item) return null;
    const { pk: _pk, sk: _sk, ...profile } = answer.Item;
    return profile as UserProfile;
  }

  async putProfile(profile: UserProfile): Promise<void> {
    await this.client.send(new PutCommand({ TableName: this.tableName, Item: { pk: keys.userPk(profile.userId), sk: keys.profileSk, ...profile } }));
  }

  /** Writes many profiles at once (seeding). */
  async putProfiles(profiles: readonly UserProfile[]): Promise<void> {
    await batchPut(this.client, this.tableName, profiles.map((profile) => ({ pk: keys.userPk(profile.userId), sk: keys.profileSk, ...profile })));
  }
}
