import { GetCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DailyActivity } from '../../domain/events/daily-activity';
import type { DailyActivityStore, MonthActivityStore } from '../../domain/events/ports';
import type { MonthActivity } from '../../domain/events/month-activity';
import type { ProfileStore } from '../../domain/profiles/ports';
import { PROFILE_DEFAULTS, type UserProfile } from '../../domain/profiles/user-profile';
import { batchGet, batchPut } from './batch';
import { expiresAfterDays, keys } from './keys';
import { APPLIED_ATTRIBUTE, DAYS_ATTRIBUTE, decodeMonthDays, encodeMonthDays, SEEDED_ATTRIBUTE } from './daily-activity-codec';

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
export class DynamoUserStore implements DailyActivityStore, MonthActivityStore, ProfileStore {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly aggregateRetentionDays: number,
  ) {}

  async getMonths(monthKeys: ReadonlyArray<{ userId: string; month: string }>): Promise<MonthActivity[]> {
    const found = await batchGet(
      this.client,
      this.tableName,
      monthKeys.map(({ userId, month }) => ({ pk: keys.userPk(userId), sk: keys.monthSk(month) })),
      { consistentRead: true },
    );
    return found.map((item) => {
      const userId = keys.userIdOf(String(item.pk));
      const sk = String(item.sk);
      return {
        userId,
        month: sk.slice(keys.monthPrefix.length),
        days: new Map(decodeMonthDays(userId, sk, item).map((activity) => [activity.day, activity])),
        appliedThrough: typeof item[APPLIED_ATTRIBUTE] === 'string' ? item[APPLIED_ATTRIBUTE] : null,
        seededThrough: typeof item[SEEDED_ATTRIBUTE] === 'string' ? item[SEEDED_ATTRIBUTE] : null,
      };
    });
  }

  async putMonths(months: readonly MonthActivity[]): Promise<void> {
    await batchPut(
      this.client,
      this.tableName,
      months.map((month) => this.monthItem(month)),
    );
  }

  private monthItem(month: MonthActivity) {
    return {
      pk: keys.userPk(month.userId),
      sk: keys.monthSk(month.month),
      [DAYS_ATTRIBUTE]: encodeMonthDays(month.days.values()),
      [APPLIED_ATTRIBUTE]: month.appliedThrough ?? undefined,
      [SEEDED_ATTRIBUTE]: month.seededThrough ?? undefined,
      expiresAt: expiresAfterDays(monthEnd(`${month.month}-01`), this.aggregateRetentionDays),
    };
  }

  /**
   * Writes whole month items at once, for a bulk load that owns these months (seeding). Each
   * records up to when its days hold the events (`seededThrough`), so the stream's copy of the
   * same seeded raw events is not added a second time.
   */
  async putMonthsFresh(activities: readonly DailyActivity[]): Promise<void> {
    const items = [...groupByUserMonth(activities).values()].map((days) => ({
      pk: keys.userPk(days[0]!.userId),
      sk: keys.monthSk(days[0]!.day),
      [DAYS_ATTRIBUTE]: encodeMonthDays(days),
      [SEEDED_ATTRIBUTE]: days.reduce((latest, a) => (a.lastEventAt > latest ? a.lastEventAt : latest), ''),
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
    const answer = await this.client.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: keys.userPk(userId), sk: keys.profileSk }, ConsistentRead: true }),
    );
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
    await batchPut(
      this.client,
      this.tableName,
      profiles.map((profile) => profileItem('timeZone' in profile ? profile : renameLegacyZone(profile))),
    );
  }
}
