import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DailyActivity } from '../../domain/events/daily-activity';
import type { DailyActivityStore } from '../../domain/events/ports';
import type { ProfileStore } from '../../domain/profiles/ports';
import { PROFILE_DEFAULTS, type UserProfile } from '../../domain/profiles/user-profile';
import { batchPut } from './batch';
import { forEachConcurrently } from './client';
import { expiresAfterDays, keys } from './keys';
import { DAYS_ATTRIBUTE, dayKey, decodeMonthDays, encodeDay } from './daily-activity-codec';

function monthEnd(day: string): string {
  const [year, month] = day.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(year, month, 1)).toISOString();
}

function groupByUserMonth(activities: readonly DailyActivity[]): Map<string, DailyActivity[]> {
  const groups = new Map<string, DailyActivity[]>();
  for (const activity of activities) {
    const key = `${activity.userId}\u0000${activity.day.slice(0, 7)}`;
    const group = groups.get(key);
    if (group) group.push(activity);
    else groups.set(key, [activity]);
  }
  return groups;
}


/** A profile as written before `timezone` was renamed `timeZone`. */
export type LegacyUserProfile = Omit<UserProfile, 'timeZone'> & { timezone: string };

function renameLegacyZone({ timezone, ...profile }: LegacyUserProfile): UserProfile {
  return { ...profile, timeZone: timezone };
}

function profileItem(profile: UserProfile) {
  return { pk: keys.userPk(profile.userId), sk: keys.profileSk, ...profile };
}

/** Profiles and daily aggregates, both under the user's own partition key. */
export class DynamoUserStore implements DailyActivityStore, ProfileStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly aggregateRetentionDays: number,
  ) {}

  /**
   * Replaces the given days inside their month items. Each day is replaced whole, so writing the
   * same aggregate twice is harmless; other days of the month are left alone.
   */
  async putAll(activities: readonly DailyActivity[]): Promise<void> {
    await forEachConcurrently([...groupByUserMonth(activities).values()], 16, (group) => this.putMonthDays(group));
  }

  private async putMonthDays(days: DailyActivity[]): Promise<void> {
    const first = days[0]!;
    const key = { pk: keys.userPk(first.userId), sk: keys.monthSk(first.day) };
    const names: Record<string, string> = { '#days': DAYS_ATTRIBUTE };
    const values: Record<string, unknown> = {};
    const sets = days.map((activity, i) => {
      names[`#d${i}`] = dayKey(activity.day);
      values[`:d${i}`] = encodeDay(activity);
      return `#days.#d${i} = :d${i}`;
    });
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        await this.client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: key,
            UpdateExpression: `SET ${sets.join(', ')}`,
            ConditionExpression: 'attribute_exists(#days)',
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
          }),
        );
        return;
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
      // The month item does not exist yet: create it, unless another writer just did (then update).
      try {
        await this.client.send(
          new PutCommand({
            TableName: this.tableName,
            Item: { ...key, [DAYS_ATTRIBUTE]: Object.fromEntries(days.map((a) => [dayKey(a.day), encodeDay(a)])), expiresAt: expiresAfterDays(monthEnd(first.day), this.aggregateRetentionDays) },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
        return;
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    }
    throw new Error(`could not write the aggregates of ${first.userId} for ${first.day.slice(0, 7)} after 5 attempts`);
  }

  /** Writes whole month items at once, for a bulk load that owns these months (seeding). */
  async putMonthsFresh(activities: readonly DailyActivity[]): Promise<void> {
    const items = [...groupByUserMonth(activities).values()].map((days) => ({
      pk: keys.userPk(days[0]!.userId),
      sk: keys.monthSk(days[0]!.day),
      [DAYS_ATTRIBUTE]: Object.fromEntries(days.map((a) => [dayKey(a.day), encodeDay(a)])),
      expiresAt: expiresAfterDays(monthEnd(days[0]!.day), this.aggregateRetentionDays),
    }));
    await batchPut(this.client, this.tableName, items);
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
            ? { ':pk': keys.userPk(userId), ':from': keys.monthSk(fromDay), ':to': `${keys.monthPrefix}~` }
            : { ':pk': keys.userPk(userId), ':prefix': keys.monthPrefix },
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) {
        for (const activity of decodeMonthDays(userId, String(item.sk), item)) if (!fromDay || activity.day >= fromDay) activities.push(activity);
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return activities.sort((a, b) => a.day.localeCompare(b.day));
  }

  async getProfile(userId: string): Promise<UserProfile | null> {
    const answer = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { pk: keys.userPk(userId), sk: keys.profileSk }, ConsistentRead: true }));
    if (!answer.Item) return null;
    const { pk: _pk, sk: _sk, timezone, ...profile } = answer.Item;
    // Items written before the rename spell the zone `timezone`.
    return { ...profile, timeZone: profile.timeZone ?? timezone ?? PROFILE_DEFAULTS.timeZone } as UserProfile;
  }

  async putProfile(profile: UserProfile): Promise<void> {
    await this.client.send(new PutCommand({ TableName: this.tableName, Item: profileItem(profile) }));
  }

  /**
   * Writes many profiles at once (seeding). Takes the legacy spelling `timezone` too, for the
   * seeders not renamed yet; the stored item always says `timeZone`.
   */
  async putProfiles(profiles: ReadonlyArray<UserProfile | LegacyUserProfile>): Promise<void> {
    await batchPut(this.client, this.tableName, profiles.map((profile) => profileItem('timeZone' in profile ? profile : renameLegacyZone(profile))));
  }
}
