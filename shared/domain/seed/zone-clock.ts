import { wallClockAsUtcMs, wallClockAt } from '../common';
import { MS_PER_DAY } from '../common';
/**
 * Wall-clock arithmetic for the synthetic population's time zones: habits are drawn in the
 * user's local time (people open apps in the evening where they live), events are stamped in
 * UTC instants, and timestamps are written with the user's own offset.
 */

const MS_PER_SECOND = 1000;
const MS_PER_MINUTE = 60_000;
const MS_PER_HOUR = 3_600_000;
const TWO_DIGITS = Array.from({ length: 60 }, (_, value) => String(value).padStart(2, '0'));

/**
 * Converts between instants and wall clocks in a fixed set of zones, remembering each zone's
 * offset per UTC hour. Every zone the generator uses changes offset on a whole UTC hour, so one
 * Intl lookup per (zone, hour) is exact, and the memo stays bounded by zones × hours in the
 * window whatever the number of users.
 */
export class ZoneClock {
  private readonly offsetsByHourByZone = new Map<string, Map<number, number>>();
  // Formatting is the hot path of generation (once per event): the date part and the offset
  // suffix repeat, so they are built once.
  private readonly datePrefixByDay = new Map<number, string>();
  private readonly suffixByOffset = new Map<number, string>();

  /** Minutes the zone's wall clock is ahead of UTC at `instantMs` (negative west of Greenwich). */
  offsetMinutesAt(timeZone: string, instantMs: number): number {
    let offsetsByHour = this.offsetsByHourByZone.get(timeZone);
    if (offsetsByHour === undefined) {
      offsetsByHour = new Map();
      this.offsetsByHourByZone.set(timeZone, offsetsByHour);
    }
    const hour = Math.floor(instantMs / MS_PER_HOUR);
    const cached = offsetsByHour.get(hour);
    if (cached !== undefined) return cached;
    const offset = this.lookUpOffsetMinutes(timeZone, hour * MS_PER_HOUR);
    offsetsByHour.set(hour, offset);
    return offset;
  }

  /**
   * The instant at which the zone's wall clock reads `wallClockMs` (a wall-clock reading written
   * as if it were UTC). In a spring-forward gap the reading does not exist and the instant lands
   * an hour off, which is harmless for synthetic habits.
   */
  instantOfWallClock(timeZone: string, wallClockMs: number): number {
    const firstGuess = wallClockMs - this.offsetMinutesAt(timeZone, wallClockMs) * MS_PER_MINUTE;
    return wallClockMs - this.offsetMinutesAt(timeZone, firstGuess) * MS_PER_MINUTE;
  }

  /** The wall-clock reading at `instantMs`, written as if it were UTC. */
  wallClockAt(timeZone: string, instantMs: number): number {
    return instantMs + this.offsetMinutesAt(timeZone, instantMs) * MS_PER_MINUTE;
  }

  /** ISO 8601 to the second with the zone's offset, e.g. `2025-03-01T20:15:32+08:00`. */
  formatWithOffset(timeZone: string, instantMs: number): string {
    const offsetMinutes = this.offsetMinutesAt(timeZone, instantMs);
    const wallClockMs = instantMs + offsetMinutes * MS_PER_MINUTE;
    const day = Math.floor(wallClockMs / MS_PER_DAY);
    const secondOfDay = Math.floor((wallClockMs - day * MS_PER_DAY) / MS_PER_SECOND);
    const hours = TWO_DIGITS[Math.floor(secondOfDay / 3600)] ?? '';
    const minutes = TWO_DIGITS[Math.floor(secondOfDay / 60) % 60] ?? '';
    const seconds = TWO_DIGITS[secondOfDay % 60] ?? '';
    return `${this.datePrefixOf(day)}${hours}:${minutes}:${seconds}${this.suffixOf(offsetMinutes)}`;
  }

  private datePrefixOf(day: number): string {
    let prefix = this.datePrefixByDay.get(day);
    if (prefix === undefined) {
      prefix = new Date(day * MS_PER_DAY).toISOString().slice(0, 11);
      this.datePrefixByDay.set(day, prefix);
    }
    return prefix;
  }

  private suffixOf(offsetMinutes: number): string {
    let suffix = this.suffixByOffset.get(offsetMinutes);
    if (suffix === undefined) {
      const magnitude = Math.abs(offsetMinutes);
      suffix = `${offsetMinutes < 0 ? '-' : '+'}${String(Math.floor(magnitude / 60)).padStart(2, '0')}:${String(magnitude % 60).padStart(2, '0')}`;
      this.suffixByOffset.set(offsetMinutes, suffix);
    }
    return suffix;
  }

  private lookUpOffsetMinutes(timeZone: string, instantMs: number): number {
    return Math.round((wallClockAsUtcMs(wallClockAt(instantMs, timeZone)) - instantMs) / MS_PER_MINUTE);
  }
}
