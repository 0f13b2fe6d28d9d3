import { isKnownTimeZone as isKnownZone, wallClockAsUtcMs as wallClockUtcMs, wallClockAt } from '../common';

/** A calendar date as people in some timezone read it. `month` is 1–12. */
export interface LocalDate {
  year: number;
  month: number;
  day: number;
}

/** A wall-clock reading in some timezone, to the second. */
export interface LocalDateTime extends LocalDate {
  hour: number;
  minute: number;
  second: number;
}

const MS_PER_SECOND = 1000;
const MS_PER_HOUR = 3_600_000;

/** True when Intl knows the IANA zone name. */
export function isKnownTimeZone(timeZone: string): boolean {
  return isKnownZone(timeZone);
}

/** The wall clock in `timeZone` at `instant`. Throws {@link UnknownTimeZoneError}. */
export function localDateTimeAt(instant: Date, timeZone: string): LocalDateTime {
  return wallClockAt(instant, timeZone);
}

function wallClockAsUtcMs(reading: LocalDateTime): number {
  return wallClockUtcMs(reading);
}

/** How far the zone's wall clock is ahead of UTC at `instantMs` (negative west of Greenwich). */
export function utcOffsetMs(instantMs: number, timeZone: string): number {
  const wholeSecond = Math.floor(instantMs / MS_PER_SECOND) * MS_PER_SECOND;
  return wallClockAsUtcMs(localDateTimeAt(new Date(wholeSecond), timeZone)) - wholeSecond;
}

/** The calendar date `days` after `date` (negative goes back). */
export function addLocalDays(date: LocalDate, days: number): LocalDate {
  const shifted = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  return { year: shifted.getUTCFullYear(), month: shifted.getUTCMonth() + 1, day: shifted.getUTCDate() };
}

/**
 * The instant at which the wall clock in `timeZone` reads `date` `hour:minute`.
 *
 * Daylight saving makes this a relation, not a function, and both edge cases are settled here:
 * - the time occurs twice (clocks go back): the earlier instant, so nothing waits an extra hour;
 * - the time never occurs (clocks jump over it): the instant of the jump, the first moment the
 *   wall clock has passed the requested time.
 */
export function instantAtLocalTime(date: LocalDate, hour: number, minute: number, timeZone: string): Date {
  return firstInstantAtLocalTime(date, hour, minute, timeZone, Number.NEGATIVE_INFINITY);
}

/**
 * Like {@link instantAtLocalTime} but only instants strictly after `afterMs` count: when clocks go
 * back and the earlier occurrence has already passed, the later one is the answer.
 */
export function firstInstantAtLocalTime(date: LocalDate, hour: number, minute: number, timeZone: string, afterMs: number): Date {
  const wanted: LocalDateTime = { ...date, hour, minute, second: 0 };
  const wallMs = wallClockAsUtcMs(wanted);
  // A zone changes offset at most once around a given day; the offsets a day either side bound it.
  const offsetBefore = utcOffsetMs(wallMs - 24 * MS_PER_HOUR, timeZone);
  const offsetAfter = utcOffsetMs(wallMs + 24 * MS_PER_HOUR, timeZone);
  const occurrences = [wallMs - offsetBefore, wallMs - offsetAfter]
    .filter((candidateMs) => wallClockAsUtcMs(localDateTimeAt(new Date(candidateMs), timeZone)) === wallMs)
    .sort((a, b) => a - b);
  const latest = occurrences.at(-1);
  if (latest !== undefined) {
    // Both occurrences past: the caller asked about a time already behind it; the latest is closest.
    return new Date(occurrences.find((occurrenceMs) => occurrenceMs > afterMs) ?? latest);
  }
  return new Date(offsetChangeBetween(wallMs - offsetAfter, wallMs - offsetBefore, timeZone));
}

/** First whole second in (lowMs, highMs] whose offset differs from the offset at lowMs. */
function offsetChangeBetween(lowMs: number, highMs: number, timeZone: string): number {
  const offsetAtLow = utcOffsetMs(lowMs, timeZone);
  let low = Math.floor(lowMs / MS_PER_SECOND);
  let high = Math.ceil(highMs / MS_PER_SECOND);
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2);
    if (utcOffsetMs(middle * MS_PER_SECOND, timeZone) === offsetAtLow) low = middle;
    else high = middle;
  }
  return high * MS_PER_SECOND;
}
