import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UnknownTimeZoneError } from '../../../shared/domain/common';
import {
  addLocalDays,
  instantAtLocalTime,
  isoWeekOf,
  localDayOf,
  localDaysBetween,
  nextLocalTimeAfter,
  nextMonthOf,
} from '../../../shared/domain/loyalty/local-day';

describe('localDayOf', () => {
  it('puts 23:30 in Asia/Shanghai on that Shanghai day and 00:30 on the next', () => {
    // Prepare: Shanghai is UTC+8 all year.
    const lateEvening = new Date('2025-01-10T15:30:00Z');
    const afterMidnight = new Date('2025-01-10T16:30:00Z');

    // Act
    const days = [localDayOf(lateEvening, 'Asia/Shanghai'), localDayOf(afterMidnight, 'Asia/Shanghai')];

    // Assess
    expect(days).toEqual(['2025-01-10', '2025-01-11']);
  });

  it('follows New York across DST: 23:30 local is 04:30Z before spring-forward and 03:30Z after', () => {
    // Prepare / Act
    const eveOfChange = localDayOf(new Date('2025-03-09T04:30:00Z'), 'America/New_York');
    const dayOfChange = localDayOf(new Date('2025-03-10T03:30:00Z'), 'America/New_York');

    // Assess
    expect(eveOfChange).toBe('2025-03-08');
    expect(dayOfChange).toBe('2025-03-09');
  });

  it('throws a typed error for an unknown zone', () => {
    // Prepare / Act
    const attempt = () => localDayOf(new Date(), 'Mars/Olympus_Mons');

    // Assess
    expect(attempt).toThrow(UnknownTimeZoneError);
  });
});

describe('instantAtLocalTime', () => {
  it('resolves 20:00 New York on each side of both DST changes', () => {
    // Prepare / Act
    const reminders = [
      instantAtLocalTime('2025-03-08', '20:00', 'America/New_York'),
      instantAtLocalTime('2025-03-09', '20:00', 'America/New_York'),
      instantAtLocalTime('2025-11-01', '20:00', 'America/New_York'),
      instantAtLocalTime('2025-11-02', '20:00', 'America/New_York'),
    ].map((instant) => instant.toISOString());

    // Assess: EST is UTC−5, EDT UTC−4.
    expect(reminders).toEqual(['2025-03-09T01:00:00.000Z', '2025-03-10T00:00:00.000Z', '2025-11-02T00:00:00.000Z', '2025-11-03T01:00:00.000Z']);
  });

  it('moves a time skipped by spring-forward past the gap and takes the first of a repeated time', () => {
    // Prepare / Act
    const skipped = instantAtLocalTime('2025-03-09', '02:30', 'America/New_York');
    const repeated = instantAtLocalTime('2025-11-02', '01:30', 'America/New_York');

    // Assess: 02:30 does not exist → 03:30 EDT = 07:30Z; 01:30 happens twice, first in EDT = 05:30Z.
    expect(skipped.toISOString()).toBe('2025-03-09T07:30:00.000Z');
    expect(repeated.toISOString()).toBe('2025-11-02T05:30:00.000Z');
  });

  it('round-trips: the instant falls on the asked local day in any zone', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 3650 }),
        fc.integer({ min: 0, max: 23 }),
        fc.constantFrom('Asia/Shanghai', 'America/New_York', 'Europe/London', 'Australia/Lord_Howe', 'Pacific/Chatham', 'UTC'),
        (dayOffset, hour, timeZone) => {
          // Prepare
          const day = addLocalDays('2020-01-01', dayOffset);

          // Act
          const instant = instantAtLocalTime(day, `${String(hour).padStart(2, '0')}:00`, timeZone);

          // Assess
          expect(localDayOf(instant, timeZone)).toBe(day);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('finds the next 20:00 strictly after now', () => {
    // Prepare: exactly 20:00 Shanghai on 10 January.
    const now = new Date('2025-01-10T12:00:00Z');

    // Act
    const next = nextLocalTimeAfter(now, '20:00', 'Asia/Shanghai');

    // Assess
    expect(next.toISOString()).toBe('2025-01-11T12:00:00.000Z');
  });
});

describe('calendar arithmetic', () => {
  it('adds days over month and leap-year ends and counts them back', () => {
    // Prepare / Act / Assess
    expect(addLocalDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addLocalDays('2024-12-31', 1)).toBe('2025-01-01');
    expect(localDaysBetween('2025-02-25', '2025-03-17')).toBe(20);
    expect(nextMonthOf('2025-12')).toBe('2026-01');
  });

  it('names ISO weeks, whose year can differ from the calendar year', () => {
    // Prepare / Act / Assess: 2024-12-30 is the Monday of 2025-W01; 2021-01-03 a Sunday of 2020-W53.
    expect(isoWeekOf('2024-12-30')).toBe('2025-W01');
    expect(isoWeekOf('2021-01-03')).toBe('2020-W53');
    expect(isoWeekOf('2025-05-14')).toBe('2025-W20');
  });
});
