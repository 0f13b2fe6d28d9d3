import { addDays, utcDayOf, wallClockAt } from '../common';
import type { MessageOutcomeKind } from '../messaging/message-outcomes';
import type { MessageDayCounts } from './metrics';

/**
 * Where the message rates come from: each message fact is counted in the UTC quarter-hour it
 * happened in. Every time zone's offset is a whole number of quarter-hours, so a quarter-hour
 * never straddles a local midnight and the counters give any reporting zone's day exactly (like
 * the activity quarter-hours), without the writers knowing the reporting zone.
 */

const QUARTER_HOUR_MS = 15 * 60 * 1000;

/** The UTC day and quarter-hour (0–95) an instant falls in. */
export function quarterHourOf(at: string): { utcDay: string; quarter: number } {
  const ms = Date.parse(at);
  const utcDay = utcDayOf(new Date(ms));
  return { utcDay, quarter: Math.floor((ms - Date.parse(`${utcDay}T00:00:00Z`)) / QUARTER_HOUR_MS) };
}

/** The UTC days whose quarter-hours can fall on the local `day` (offsets run from −12 to +14 hours). */
export function utcDaysAround(day: string): string[] {
  return [addDays(day, -1), day, addDays(day, 1)];
}

/** True when quarter-hour `quarter` of `utcDay` is on the local `day` of `timeZone`. */
export function isQuarterOnLocalDay(utcDay: string, quarter: number, day: string, timeZone: string): boolean {
  const reading = wallClockAt(Date.parse(`${utcDay}T00:00:00Z`) + quarter * QUARTER_HOUR_MS, timeZone);
  return `${reading.year}-${String(reading.month).padStart(2, '0')}-${String(reading.day).padStart(2, '0')}` === day;
}

/** The counter each fact kind adds to. */
export const MESSAGE_COUNTER_OF: Readonly<Record<MessageOutcomeKind, keyof MessageDayCounts>> = {
  sent: 'sent',
  complaint: 'complaints',
  bounce: 'bounces',
  unsubscribe: 'unsubscribes',
};
