/**
 * Days and instants. A *day* is a calendar date `YYYY-MM-DD` (UTC unless a function says which
 * zone); an *instant* is a `Date` or an ISO 8601 string with an offset.
 */

export const MS_PER_DAY = 86_400_000;

/** The UTC calendar day of an instant, `YYYY-MM-DD`. */
export function utcDayOf(instant: string | Date): string {
  const at = typeof instant === 'string' ? new Date(instant) : instant;
  return at.toISOString().slice(0, 10);
}

/** Whole days from one calendar day to another (negative when `toDay` is earlier). */
export function daysBetween(fromDay: string, toDay: string): number {
  return Math.round((Date.parse(`${toDay}T00:00:00Z`) - Date.parse(`${fromDay}T00:00:00Z`)) / MS_PER_DAY);
}

/** The calendar day `days` after (or before, when negative) `day`. */
export function addDays(day: string, days: number): string {
  return utcDayOf(new Date(Date.parse(`${day}T00:00:00Z`) + days * MS_PER_DAY));
}
