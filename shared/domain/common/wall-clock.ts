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
