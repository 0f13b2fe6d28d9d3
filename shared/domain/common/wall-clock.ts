import { InvalidInputError } from './errors';

/**
 * Reading the wall clock of an IANA time zone at an instant, through Intl — the one place that
 * does it. Loyalty (local check-in days), messaging (quiet hours) and the seed generator build on it.
 */

/** A wall-clock reading in some time zone, to the second. */
export interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** A time zone name that the runtime's Intl database does not know (the one such error). */
export class UnknownTimeZoneError extends InvalidInputError {
  override readonly name: string = 'UnknownTimeZoneError';
  constructor(
    readonly timeZone: string,
    options?: { cause?: unknown },
  ) {
    super(
      `unknown IANA time zone: ${timeZone}`,
      [{ index: null, path: 'timeZone', message: `${timeZone} is not an IANA time zone such as Asia/Shanghai` }],
      options,
    );
  }
}

// Building an Intl.DateTimeFormat costs far more than formatting with it, and scoring, sweeps and
// the send policy call this per user: one formatter per zone, kept for the process's life.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  const cached = formatters.get(timeZone);
  if (cached) return cached;
  let formatter: Intl.DateTimeFormat;
  try {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  } catch (error) {
    throw new UnknownTimeZoneError(timeZone, { cause: error });
  }
  formatters.set(timeZone, formatter);
  return formatter;
}

/** True when Intl knows the IANA zone name. */
export function isKnownTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The wall clock in `timeZone` at `instant`. Throws {@link UnknownTimeZoneError}. */
export function wallClockAt(instant: Date | number, timeZone: string): WallClock {
  const ms = typeof instant === 'number' ? instant : instant.getTime();
  if (!Number.isFinite(ms)) return formattedWallClock(ms, timeZone); // Intl's own RangeError
  const offset = offsetWithin(ms, timeZone);
  if (offset === undefined) return formattedWallClock(ms, timeZone);
  const wall = new Date(Math.floor(ms / 1000) * 1000 + offset);
  return {
    year: wall.getUTCFullYear(),
    month: wall.getUTCMonth() + 1,
    day: wall.getUTCDate(),
    hour: wall.getUTCHours(),
    minute: wall.getUTCMinutes(),
    second: wall.getUTCSeconds(),
  };
}

/**
 * A zone's offset is the same for a whole UTC quarter-hour unless a transition falls inside it
 * (today's transitions fall on quarter-hours; historic ones, local mean time, at any second). So
 * the offset is read through Intl once per zone and quarter-hour, at both ends of it, and kept
 * when both ends agree; otherwise undefined, and the caller reads that instant through Intl.
 * Formatting is the costly part of reading a wall clock: scoring and seeding read millions.
 */
const QUARTER_HOUR_MS = 900_000;
const MAX_CACHED_OFFSETS = 200_000;
const offsets = new Map<string, number | null>();

function offsetWithin(ms: number, timeZone: string): number | undefined {
  const quarter = Math.floor(ms / QUARTER_HOUR_MS);
  const key = `${timeZone}|${quarter}`;
  let offset = offsets.get(key);
  if (offset === undefined) {
    const start = quarter * QUARTER_HOUR_MS;
    const atStart = offsetAt(start, timeZone);
    offset = atStart === offsetAt(start + QUARTER_HOUR_MS - 1000, timeZone) ? atStart : null;
    if (offsets.size >= MAX_CACHED_OFFSETS) offsets.clear();
    offsets.set(key, offset);
  }
  return offset ?? undefined;
}

/** The zone's offset from UTC at a whole second, in ms. */
function offsetAt(ms: number, timeZone: string): number {
  return wallClockAsUtcMs(formattedWallClock(ms, timeZone)) - ms;
}

function formattedWallClock(instant: Date | number, timeZone: string): WallClock {
  const reading: WallClock = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  for (const part of formatterFor(timeZone).formatToParts(instant)) {
    switch (part.type) {
      case 'year':
      case 'month':
      case 'day':
      case 'hour':
      case 'minute':
      case 'second':
        reading[part.type] = Number(part.value);
        break;
      default:
        break;
    }
  }
  return reading;
}

/** The reading as if it were UTC, in epoch milliseconds (for offset arithmetic). */
export function wallClockAsUtcMs(reading: WallClock): number {
  return Date.UTC(reading.year, reading.month - 1, reading.day, reading.hour, reading.minute, reading.second);
}
