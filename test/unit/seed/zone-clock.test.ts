import { describe, expect, it } from 'vitest';
import { ZoneClock } from '../../../shared/domain/seed/zone-clock';

describe('ZoneClock', () => {
  it.each([
    { zone: 'Asia/Shanghai', at: '2025-01-15T12:00:00Z', expected: '2025-01-15T20:00:00+08:00' },
    { zone: 'America/New_York', at: '2025-01-15T12:00:00Z', expected: '2025-01-15T07:00:00-05:00' },
    { zone: 'America/New_York', at: '2025-07-15T12:00:00Z', expected: '2025-07-15T08:00:00-04:00' },
    { zone: 'Europe/London', at: '2025-07-15T23:30:15Z', expected: '2025-07-16T00:30:15+01:00' },
    { zone: 'Pacific/Auckland', at: '2025-01-15T12:00:00Z', expected: '2025-01-16T01:00:00+13:00' },
    { zone: 'Asia/Tokyo', at: '2024-12-31T15:00:00Z', expected: '2025-01-01T00:00:00+09:00' },
  ])('writes $at in $zone as $expected', ({ zone, at, expected }) => {
    // Prepare
    const clock = new ZoneClock();

    // Act
    const written = clock.formatWithOffset(zone, Date.parse(at));

    // Assess
    expect(written).toBe(expected);
    expect(Date.parse(written)).toBe(Date.parse(at));
  });

  it('switches offset at the exact hour New York springs forward', () => {
    // Prepare: 2025-03-09 02:00 EST is 07:00 UTC.
    const clock = new ZoneClock();
    const switchMs = Date.parse('2025-03-09T07:00:00Z');

    // Act
    const before = clock.offsetMinutesAt('America/New_York', switchMs - 1000);
    const after = clock.offsetMinutesAt('America/New_York', switchMs);

    // Assess
    expect(before).toBe(-300);
    expect(after).toBe(-240);
  });

  it('finds the instant of a local wall-clock reading on both sides of a change', () => {
    // Prepare
    const clock = new ZoneClock();
    const readings = ['2025-03-08T21:00:00Z', '2025-03-09T21:00:00Z', '2025-04-06T09:30:00Z'];

    // Act
    const instants = readings.map((reading, index) => clock.instantOfWallClock(index < 2 ? 'America/New_York' : 'Pacific/Auckland', Date.parse(reading)));

    // Assess: 21:00 in New York the evening before and after the switch, 09:30 in Auckland after NZDT ends.
    expect(instants.map((instant) => new Date(instant).toISOString())).toEqual([
      '2025-03-09T02:00:00.000Z',
      '2025-03-10T01:00:00.000Z',
      '2025-04-05T21:30:00.000Z',
    ]);
  });
});
