import { z } from 'zod';
import { MS_PER_DAY, utcDayOf } from '../common';
import { InvalidLocalDayError } from './errors';
import { isKnownTimeZone as isKnownZone, wallClockAt as readWallClock } from '../common';

/**
 * A calendar day in some user's time zone, `YYYY-MM-DD`. Plain strings so they sort
 * chronologically, serialise as-is into DynamoDB keys and read well in ids.
 */
export const LocalDay = z.iso.date();
export type LocalDay = z.infer<typeof LocalDay>;

/** A wall-clock time of day, `HH:MM` on a 24-hour clock (e.g. the reminder time `20:00`). */
export const LocalTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected HH:MM (00:00–23:59)');
export type LocalTime = z.infer<typeof LocalTime>;

/** An IANA time zone name the runtime knows, e.g. `Asia/Shanghai`. */
export const TimeZone = z.string().refine(isKnownTimeZone, { message: 'unknown IANA time zone' });
export type TimeZone = z.infer<typeof TimeZone>;

interface WallClock {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
}

/** True when `timeZone` is an IANA zone the runtime's Intl database knows. */
export function isKnownTimeZone(timeZone: string): boolean {
  return isKnownZone(timeZone);
}

function wallClockAt(instant: Date, timeZone: string): WallClock {
  return readWallClock(instant, timeZone);
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

/**
 * The calendar day an instant falls on in a time zone. A check-in at 23:30 in Asia/Shanghai
 * belongs to that Shanghai day even though it is still afternoon in UTC.
 * @throws UnknownTimeZoneError for an unknown zone.
 */
export function localDayOf(instant: Date, timeZone: string): LocalDay {
  const wall = wallClockAt(instant, timeZone);
  return `${pad(wall.year, 4)}-${pad(wall.month, 2)}-${pad(wall.day, 2)}`;
}

/** Midnight UTC of a local day's date, used only for calendar arithmetic. */
function utcMidnightOf(localDay: LocalDay): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(localDay);
  if (!match) throw new InvalidLocalDayError(localDay);
  const [, year, month, day] = match;
  const midnight = Date.UTC(Number(year), Number(month) - 1, Number(day));
  // Date.UTC rolls 2025-02-30 over to March: a round trip tells real dates from invalid ones.
  if (utcDayOf(new Date(midnight)) !== localDay) throw new InvalidLocalDayError(localDay);
  return midnight;
}

/** The local day `days` calendar days after (or before, if negative) `localDay`. */
export function addLocalDays(localDay: LocalDay, days: number): LocalDay {
  return utcDayOf(new Date(utcMidnightOf(localDay) + days * MS_PER_DAY));
}

/** Whole calendar days from `from` to `to` (negative when `to` is earlier). */
export function localDaysBetween(from: LocalDay, to: LocalDay): number {
  return Math.round((utcMidnightOf(to) - utcMidnightOf(from)) / MS_PER_DAY);
}

/** ISO-8601 week of a local day, `YYYY-Www` (weeks start on Monday; week-year may differ). */
export function isoWeekOf(localDay: LocalDay): string {
  const midnight = utcMidnightOf(localDay);
  const mondayBasedWeekday = (new Date(midnight).getUTCDay() + 6) % 7;
  // The ISO week belongs to the year that holds its Thursday.
  const thursday = new Date(midnight + (3 - mondayBasedWeekday) * MS_PER_DAY);
  const weekYear = thursday.getUTCFullYear();
  const dayOfWeekYear = Math.round((thursday.getTime() - Date.UTC(weekYear, 0, 1)) / MS_PER_DAY);
  return `${pad(weekYear, 4)}-W${pad(Math.floor(dayOfWeekYear / 7) + 1, 2)}`;
}

/** Offset of the zone's wall clock from UTC at an instant, in ms (Shanghai: +8 h). */
function utcOffsetAt(instantMs: number, timeZone: string): number {
  const wholeSecond = Math.floor(instantMs / 1000) * 1000;
  const wall = wallClockAt(new Date(wholeSecond), timeZone);
  const wallAsUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
  return wallAsUtc - wholeSecond;
}

/**
 * The instant at which a zone's wall clock shows `localTime` on `localDay`.
 *
 * Daylight-saving edges: a time skipped by a spring-forward gap resolves to the instant the same
 * distance past the gap (02:30 on a New York spring-forward day → 03:30 EDT); a time repeated by
 * a fall-back resolves to its first occurrence. Assumes at most one offset change within a day
 * either side, which holds for every real zone.
 */
export function instantAtLocalTime(localDay: LocalDay, localTime: LocalTime, timeZone: string): Date {
  const timeMatch = /^(\d{2}):(\d{2})$/.exec(localTime);
  if (!timeMatch) throw new Error(`Not a HH:MM time: "${localTime}"`);
  const [, hour, minute] = timeMatch;
  const wallAsUtc = utcMidnightOf(localDay) + (Number(hour) * 60 + Number(minute)) * 60_000;
  const offsetBefore = utcOffsetAt(wallAsUtc - MS_PER_DAY, timeZone);
  const offsetAfter = utcOffsetAt(wallAsUtc + MS_PER_DAY, timeZone);
  const candidates = [wallAsUtc - offsetBefore, wallAsUtc - offsetAfter];
  const showsWallTime = candidates.filter((candidate) => candidate + utcOffsetAt(candidate, timeZone) === wallAsUtc);
  if (showsWallTime.length > 0) return new Date(Math.min(...showsWallTime));
  // In a gap: keep the offset from before the change, which lands past the gap.
  return new Date(wallAsUtc - offsetBefore);
}

/** The first instant strictly after `now` at which the zone's wall clock shows `localTime`. */
export function nextLocalTimeAfter(now: Date, localTime: LocalTime, timeZone: string): Date {
  const today = localDayOf(now, timeZone);
  const laterToday = instantAtLocalTime(today, localTime, timeZone);
  if (laterToday.getTime() > now.getTime()) return laterToday;
  return instantAtLocalTime(addLocalDays(today, 1), localTime, timeZone);
}

/** Calendar month of an instant in UTC, `YYYY-MM`: the budget and draw month. */
export function utcMonthOf(instant: Date): string {
  return instant.toISOString().slice(0, 7);
}

/** The calendar month after `month` (`YYYY-MM`). */
export function nextMonthOf(month: string): string {
  const match = /^(\d{4})-(\d{2})$/.exec(month);
  if (!match) throw new Error(`Not a YYYY-MM month: "${month}"`);
  const [, year, monthNumber] = match;
  return new Date(Date.UTC(Number(year), Number(monthNumber), 1)).toISOString().slice(0, 7);
}
