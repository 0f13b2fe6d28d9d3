import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DailyActivity } from '../../domain/events/daily-activity';
import type { DailyActivityStore, MonthActivityStore } from '../../domain/events/ports';
import type { MonthActivity } from '../../domain/events/month-activity';
import type { ProfileStore } from '../../domain/profiles/ports';
import { PROFILE_DEFAULTS, type UserProfile } from '../../domain/profiles/user-profile';
import { batchGet, batchPut } from './batch';
import { forEachConcurrently } from './client';
import { cancellationReasons, conflictBackoff, RETRYABLE_CANCELLATION_CODES, TransactionContentionError } from './transaction-cancellation';
import { expiresAfterDays, keys } from './keys';
import { APPLIED_ATTRIBUTE, DAYS_ATTRIBUTE, decodeMonthDays, encodeMonthDays, SEEDED_ATTRIBUTE, VERSION_ATTRIBUTE } from './daily-activity-codec';

/** TransactWriteItems takes up to 100 items. */
const CONTESTED_PER_TRANSACTION = 100;
const MAX_TRANSACTION_ATTEMPTS = 5;

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
        // 0: the item exists but no merge wrote it yet (seeded); null is kept for "no item".
        version: typeof item[VERSION_ATTRIBUTE] === 'number' ? item[VERSION_ATTRIBUTE] : 0,
        seededThrough: typeof item[SEEDED_ATTRIBUTE] === 'string' ? item[SEEDED_ATTRIBUTE] : null,
      };
    });
  }

  async putMonths(months: readonly MonthActivity[]): Promise<{ changed: MonthActivity[] }> {
    // A month the aggregator wrote before has one writer at a time (the stream hands each user's
    // records to one batch at a time, in order): BatchWriteItem, 25 a call. A month read absent or
    // as seeded may race the seeder: written only if still so, up to 100 conditional puts in one
    // transaction (a user's first month of each month; one round trip instead of 100).
    const owned = months.filter((month) => month.version !== null && month.version > 0);
    const contested = months.filter((month) => month.version === null || month.version === 0);
    const groups = Array.from({ length: Math.ceil(contested.length / CONTESTED_PER_TRANSACTION) }, (_, i) =>
      contested.slice(i * CONTESTED_PER_TRANSACTION, (i + 1) * CONTESTED_PER_TRANSACTION),
    );
    const changed: MonthActivity[] = [];
    await Promise.all([
      batchPut(
        this.client,
        this.tableName,
        owned.map((month) => this.monthItem(month)),
      ),
      forEachConcurrently(groups, 4, async (group) => void changed.push(...(await this.putIfStillUnmerged(group)))),
    ]);
    return { changed };
  }

  /** Writes each month only if still absent or seeded; answers those another writer changed. */
  private async putIfStillUnmerged(group: readonly MonthActivity[]): Promise<MonthActivity[]> {
    const condition = (month: MonthActivity) =>
      month.version === null
        ? { ConditionExpression: 'attribute_not_exists(pk)' }
        : { ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(#v)', ExpressionAttributeNames: { '#v': VERSION_ATTRIBUTE } };
    const changed: MonthActivity[] = [];
    let pending = group;
    for (let attempt = 1; pending.length > 0; attempt++) {
      try {
        if (pending.length === 1) {
          await this.client.send(new PutCommand({ TableName: this.tableName, Item: this.monthItem(pending[0]!), ...condition(pending[0]!) }));
        } else {
          await this.client.send(
            new TransactWriteCommand({
              TransactItems: pending.map((month) => ({ Put: { TableName: this.tableName, Item: this.monthItem(month), ...condition(month) } })),
            }),
          );
        }
        return changed;
      } catch (error) {
        if (error instanceof ConditionalCheckFailedException) return [...changed, ...pending];
        const reasons = cancellationReasons(error);
        if (!reasons) throw error;
        // The transaction wrote nothing: the months refused are merged again, the rest retried.
        const refused = pending.filter((_, i) => reasons[i]?.code === 'ConditionalCheckFailed');
        if (refused.length === 0) {
          if (!reasons.some((reason) => RETRYABLE_CANCELLATION_CODES.has(reason.code ?? ''))) throw error;
          if (attempt >= MAX_TRANSACTION_ATTEMPTS) throw new TransactionContentionError('writing new month aggregates', attempt, { cause: error });
          await conflictBackoff(attempt);
        }
        changed.push(...refused);
        pending = pending.filter((month) => !refused.includes(month));
      }
    }
    return changed;
  }

  private monthItem(month: MonthActivity) {
    return {
      pk: keys.userPk(month.userId),
      sk: keys.monthSk(month.month),
      [DAYS_ATTRIBUTE]: encodeMonthDays(month.days.values()),
      [APPLIED_ATTRIBUTE]: month.appliedThrough ?? undefined,
      [VERSION_ATTRIBUTE]: (month.version ?? 0) + 1,
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
