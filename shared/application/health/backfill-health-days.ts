import { addDays, InvalidInputError } from '../../domain/common';
import {
  addUserToHealthTallies,
  emptyHealthTally,
  finishHealthDay,
  type HealthSeriesStore,
  type HealthSettings,
  type HealthUserSource,
  type MessageOutcomeCounter,
} from '../../domain/health';
import { healthDayOptions } from './fold-health-segment';

const MAX_BACKFILL_DAYS = 60;

/**
 * Fills the health series for the `days` days ending with `through`, in one pass over the users:
 * each user's aggregates are folded into every day's tally at once, so 30 days cost one read of
 * the table, not 30. Each day is then stored as its point (overwriting it, so a rerun changes
 * nothing). History raises no alert and runs no STOP: the alerts and incidents are for the days
 * computed as they end. Used to give a seeded or imported population its past.
 */
export async function backfillHealthDays(
  request: { through: string; days: number },
  ports: { users: HealthUserSource; series: HealthSeriesStore; messages: MessageOutcomeCounter; settings: HealthSettings },
): Promise<{ days: string[]; users: number }> {
  if (!Number.isInteger(request.days) || request.days < 1 || request.days > MAX_BACKFILL_DAYS) {
    throw new InvalidInputError(`days must be a whole number from 1 to ${MAX_BACKFILL_DAYS}`, [{ index: null, path: 'days', message: 'out of range' }]);
  }
  const { settings } = ports;
  const folds = Array.from({ length: request.days }, (_, i) => {
    const options = healthDayOptions(addDays(request.through, i - request.days + 1), settings);
    return { tally: emptyHealthTally(), options };
  });
  let users = 0;
  await ports.users.forEachPage((page) => {
    for (const user of page) addUserToHealthTallies(folds, user);
    users += page.length;
  });
  for (const { tally, options } of folds) {
    const messages = await ports.messages.countDay(options.day, settings.timeZone);
    await ports.series.putDay(finishHealthDay(tally, messages, { ...options, benchmarks: settings.benchmarks }));
  }
  return { days: folds.map((fold) => fold.options.day), users };
}
