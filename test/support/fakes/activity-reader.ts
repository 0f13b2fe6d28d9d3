import type { DailyActivity } from '../../../shared/domain/events/daily-activity';
import type { ActivityReader } from '../../../shared/domain/journeys';

/** Daily aggregates in memory. */
export class InMemoryActivityReader implements ActivityReader {
  readonly days: DailyActivity[] = [];

  async activitySince(userId: string, fromDay: string): Promise<DailyActivity[]> {
    return this.days.filter((day) => day.userId === userId && day.day >= fromDay).sort((a, b) => a.day.localeCompare(b.day));
  }
}

/** One day of a user's activity with nothing in it; override what the test is about. */
export function dailyActivity(overrides: Partial<DailyActivity> & { userId: string; day: string }): DailyActivity {
  return {
    eventCount: 0,
    sessions: 0,
    featureUses: {},
    searches: 0,
    purchases: 0,
    purchaseAmount: 0,
    refunds: 0,
    refundAmount: 0,
    checkins: 0,
    referralSignups: 0,
    messageOpens: 0,
    messageClicks: 0,
    unsubscribes: 0,
    firstEventAt: `${overrides.day}T00:00:00.000Z`,
    lastEventAt: `${overrides.day}T00:00:00.000Z`,
    ...overrides,
  };
}
