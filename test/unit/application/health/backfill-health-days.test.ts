import { describe, expect, it } from 'vitest';
import { backfillHealthDays } from '../../../../shared/application/health/backfill-health-days';
import { healthDayOptions } from '../../../../shared/application/health/fold-health-segment';
import { addDays } from '../../../../shared/domain/common';
import { computeHealthDay, DEFAULT_HEALTH_THRESHOLDS, type HealthSettings, type HealthUser } from '../../../../shared/domain/health';
import { InMemoryHealthStores } from '../../../support/fakes/health-stores';
import { userActiveAt } from '../../health/health-fixtures';

const settings: HealthSettings = {
  timeZone: 'Asia/Shanghai',
  coreFeatures: ['playlist'],
  benchmarks: { playlist: 0.3 },
  cohortWeeks: 8,
  thresholds: DEFAULT_HEALTH_THRESHOLDS,
};
const through = '2026-11-30';

/** 40 users with different habits over 60 days, some active just before and after Shanghai's midnight. */
function population(): HealthUser[] {
  return Array.from({ length: 40 }, (_, u) =>
    userActiveAt(
      `u${u}`,
      Array.from({ length: 60 }, (_, d) => addDays(through, d - 59))
        .filter((day, d) => (d + u) % ((u % 5) + 1) === 0 && d >= u)
        .map((day) => `${day}T${u % 2 === 0 ? '15:50' : '16:10'}:00Z`),
      { features: { [`${addDays(through, -(u % 9))}T05:00:00Z`]: 'playlist' } },
    ),
  );
}

describe('the health backfill', () => {
  it('stores each of the days what a fold of that day alone gives, from one pass over the users, and raises nothing', async () => {
    // Prepare
    const stores = new InMemoryHealthStores();
    const users = population();
    let passes = 0;
    const source = {
      forEachPage: async (onUsers: (page: readonly HealthUser[]) => void) => {
        passes += 1;
        onUsers(users.slice(0, 25));
        onUsers(users.slice(25));
      },
    };

    // Act
    const result = await backfillHealthDays({ through, days: 30 }, { users: source, series: stores, messages: stores, settings });

    // Assess
    expect(passes).toBe(1);
    expect(result.days).toHaveLength(30);
    expect(result.days[0]).toBe(addDays(through, -29));
    for (const day of result.days) {
      const alone = computeHealthDay(users, stores.messageCounts, { ...healthDayOptions(day, settings), benchmarks: settings.benchmarks });
      expect(stores.days.get(day)).toEqual(alone);
    }
    expect(stores.days.get(through)!.dau).toBeGreaterThan(0);
    expect(stores.alerts.size + stores.published.length + stores.incidents.size).toBe(0);
  });

  it('refuses a number of days out of range and stores nothing', async () => {
    // Prepare
    const stores = new InMemoryHealthStores();

    // Act
    const refused = backfillHealthDays({ through, days: 61 }, { users: { forEachPage: async () => undefined }, series: stores, messages: stores, settings });

    // Assess
    await expect(refused).rejects.toMatchObject({ problems: [{ path: 'days' }] });
    expect(stores.days.size).toBe(0);
  });
});
