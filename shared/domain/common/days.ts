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

// Nightly scoring and product health take day differences for every day of every user (millions
// a night), over a few hundred distinct days: each day's start is parsed once and kept.
const MAX_CACHED_DAYS = 100_000;
const dayStarts = new Map<string, number>();

/** The instant (epoch ms) a calendar day starts in UTC; NaN for a string that is not a day. */
export function utcDayStartMs(day: string): number {
  let start = dayStarts.get(day);
  if (start === undefined) {
    start = Date.parse(`${day}T00:00:00Z`);
    if (dayStarts.size >= MAX_CACHED_DAYS) dayStarts.clear();
    dayStarts.set(day, start);
  }
  return start;
}

/** Whole days from one calendar day to another (negative when `toDay` is earlier). */
export function daysBetween(fromDay: string, toDay: string): number {
  return Math.round((utcDayStartMs(toDay) - utcDayStartMs(fromDay)) / MS_PER_DAY);
}

/** The calendar day `days` after (or before, when negative) `day`. */
export function addDays(day: string, days: number): string {
  return utcDayOf(new Date(Date.parse(`${day}T00:00:00Z`) + days * MS_PER_DAY));
}

const dayNames = new Map<number, string>();

/** The UTC calendar day `dayNumber` days after 1970-01-01 (a few hundred distinct ones a night: kept). */
export function utcDayOfNumber(dayNumber: number): string {
  let name = dayNames.get(dayNumber);
  if (name === undefined) {
    name = new Date(dayNumber * MS_PER_DAY).toISOString().slice(0, 10);
    if (dayNames.size >= MAX_CACHED_DAYS) dayNames.clear();
    dayNames.set(dayNumber, name);
  }
  return name;
}

/** 10000-01-01T00:00:00Z: from there on an ISO string's year has more digits. */
const FIVE_DIGIT_YEARS_S = 253_402_300_800;
const twoDigits = (n: number) => (n < 10 ? `0${n}` : `${n}`);

/**
 * `new Date(seconds * 1000).toISOString()`, built from the day's cached name and the time of day:
 * decoding aggregates formats two instants per stored day, millions a night, and formatting a
 * Date was a tenth of the nightly scoring's CPU.
 */
export function isoOfEpochSeconds(seconds: number): string {
  if (!Number.isInteger(seconds) || seconds < 0 || seconds >= FIVE_DIGIT_YEARS_S) return new Date(seconds * 1000).toISOString();
  const dayNumber = Math.floor(seconds / 86_400);
  const ofDay = seconds - dayNumber * 86_400;
  const hours = Math.floor(ofDay / 3600);
  const minutes = Math.floor((ofDay - hours * 3600) / 60);
  return `${utcDayOfNumber(dayNumber)}T${twoDigits(hours)}:${twoDigits(minutes)}:${twoDigits(ofDay % 60)}.000Z`;
}
