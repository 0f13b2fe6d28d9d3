import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkQuietHours, defaultContactPolicyConfig, instantAtLocalTime, localDateTimeAt } from '../../../shared/domain/messaging';

const defaultWindow = defaultContactPolicyConfig.quietHours;

function allowedFrom(nowIso: string, timeZone: string, window = defaultWindow): string | undefined {
  const check = checkQuietHours(new Date(nowIso), timeZone, window);
  return check.kind === 'inside' ? check.allowedFrom.toISOString() : undefined;
}

describe('quiet hours in the user timezone (21:00-09:00 by default)', () => {
  it.each([
    // [now (UTC), zone, expected end of quiet hours, why]
    ['2025-06-01T14:00:00.000Z', 'Asia/Shanghai', '2025-06-02T01:00:00.000Z', '22:00 CST (+8) → 09:00 next day'],
    ['2025-06-01T13:00:00.000Z', 'Asia/Shanghai', '2025-06-02T01:00:00.000Z', 'exactly 21:00 is quiet'],
    ['2025-06-01T20:30:00.000Z', 'Asia/Shanghai', '2025-06-02T01:00:00.000Z', '04:30 after midnight ends the same local day'],
    ['2025-03-09T04:00:00.000Z', 'America/New_York', '2025-03-09T13:00:00.000Z', 'spring forward: 23:00 EST → 09:00 EDT, 9 h later'],
    ['2025-03-09T06:30:00.000Z', 'America/New_York', '2025-03-09T13:00:00.000Z', '01:30 EST just before the jump'],
    ['2025-11-02T03:00:00.000Z', 'America/New_York', '2025-11-02T14:00:00.000Z', 'fall back: 23:00 EDT → 09:00 EST, 11 h later'],
    ['2025-11-02T13:30:00.000Z', 'America/New_York', '2025-11-02T14:00:00.000Z', '08:30 EST after the change'],
    ['2025-04-05T10:00:00.000Z', 'Pacific/Auckland', '2025-04-05T21:00:00.000Z', 'NZDT ends: 23:00 NZDT → 09:00 NZST (+12)'],
    ['2025-04-05T13:00:00.000Z', 'Pacific/Auckland', '2025-04-05T21:00:00.000Z', '02:00 NZDT, an hour before clocks go back'],
    ['2025-09-27T10:00:00.000Z', 'Pacific/Auckland', '2025-09-27T20:00:00.000Z', 'NZDT starts: 22:00 NZST → 09:00 NZDT (+13)'],
  ])('at %s in %s quiet hours end at %s (%s)', (now, zone, expected) => {
    // Prepare / Act
    const end = allowedFrom(now, zone);
    // Assess
    expect(end).toBe(expected);
  });

  it.each([
    ['2025-06-01T12:59:00.000Z', 'Asia/Shanghai', '20:59'],
    ['2025-06-02T01:00:00.000Z', 'Asia/Shanghai', '09:00'],
    ['2025-03-09T13:00:00.000Z', 'America/New_York', '09:00'],
    ['2025-11-02T14:00:00.000Z', 'America/New_York', '09:00'],
  ])('at %s in %s (local %s) it is not quiet', (now, zone, localTime) => {
    const check = checkQuietHours(new Date(now), zone, defaultWindow);
    expect(check).toEqual({ kind: 'outside', localTime });
  });

  it('a window ending in the skipped hour ends when the clocks jump', () => {
    // Prepare: 22:00-02:30; on 2025-03-09 New York goes from 02:00 EST straight to 03:00 EDT (07:00Z).
    const window = { enabled: true, start: '22:00', end: '02:30' };
    // Act
    const end = allowedFrom('2025-03-09T04:00:00.000Z', 'America/New_York', window);
    // Assess
    expect(end).toBe('2025-03-09T07:00:00.000Z');
  });

  it('a window ending in the repeated hour ends at its first occurrence, or its second if the first has passed', () => {
    // Prepare: 22:00-01:30; on 2025-11-02 01:30 happens at 05:30Z (EDT) and again at 06:30Z (EST).
    const window = { enabled: true, start: '22:00', end: '01:30' };
    // Act
    const fromEvening = allowedFrom('2025-11-02T03:00:00.000Z', 'America/New_York', window);
    const fromSecondPass = allowedFrom('2025-11-02T06:10:00.000Z', 'America/New_York', window);
    // Assess
    expect(fromEvening).toBe('2025-11-02T05:30:00.000Z');
    expect(fromSecondPass).toBe('2025-11-02T06:30:00.000Z');
  });

  it('a window that does not wrap midnight (13:00-14:00) ends the same day', () => {
    const window = { enabled: true, start: '13:00', end: '14:00' };
    expect(allowedFrom('2025-06-01T05:30:00.000Z', 'Asia/Shanghai', window)).toBe('2025-06-01T06:00:00.000Z');
    expect(allowedFrom('2025-06-01T06:00:00.000Z', 'Asia/Shanghai', window)).toBeUndefined();
  });

  it('disabled quiet hours are never quiet', () => {
    const check = checkQuietHours(new Date('2025-06-01T16:00:00.000Z'), 'Asia/Shanghai', { ...defaultWindow, enabled: false });
    expect(check.kind).toBe('outside');
  });

  it('instantAtLocalTime converts a local wall time with the zone rules of that date', () => {
    expect(instantAtLocalTime({ year: 2025, month: 1, day: 15 }, 9, 0, 'America/New_York').toISOString()).toBe('2025-01-15T14:00:00.000Z');
    expect(instantAtLocalTime({ year: 2025, month: 7, day: 15 }, 9, 0, 'America/New_York').toISOString()).toBe('2025-07-15T13:00:00.000Z');
  });

  const zones = ['America/New_York', 'Asia/Shanghai', 'Pacific/Auckland', 'Europe/London', 'Australia/Lord_Howe', 'Asia/Kolkata', 'America/St_Johns'];

  it('property: a deferred message waits until exactly 09:00 local, the first allowed minute', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2030-12-31T00:00:00Z'), noInvalidDate: true }),
        fc.constantFrom(...zones),
        (now, zone) => {
          // Act
          const check = checkQuietHours(now, zone, defaultWindow);
          const local = localDateTimeAt(now, zone);
          const localMinutes = local.hour * 60 + local.minute;
          // Assess
          if (check.kind === 'outside') {
            expect(localMinutes >= 9 * 60 && localMinutes < 21 * 60).toBe(true);
            return;
          }
          expect(localMinutes >= 21 * 60 || localMinutes < 9 * 60).toBe(true);
          expect(check.allowedFrom.getTime()).toBeGreaterThan(now.getTime());
          // Twelve hours of window, plus at most an hour of daylight-saving change.
          expect(check.allowedFrom.getTime() - now.getTime()).toBeLessThanOrEqual(13 * 3_600_000);
          const atEnd = localDateTimeAt(check.allowedFrom, zone);
          expect([atEnd.hour, atEnd.minute]).toEqual([9, 0]);
          expect(checkQuietHours(check.allowedFrom, zone, defaultWindow).kind).toBe('outside');
          const minuteBefore = new Date(check.allowedFrom.getTime() - 60_000);
          if (minuteBefore.getTime() > now.getTime()) expect(checkQuietHours(minuteBefore, zone, defaultWindow).kind).toBe('inside');
        },
      ),
      { numRuns: 500 },
    );
  });
});
