import { emptyDay, type DailyActivity } from '../../../shared/domain/events/daily-activity';
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
  const midnight = `${overrides.day}T00:00:00.000Z`;
  return { ...emptyDay(overrides.userId, overrides.day), firstEventAt: midnight, lastEventAt: midnight, ...overrides };
}
