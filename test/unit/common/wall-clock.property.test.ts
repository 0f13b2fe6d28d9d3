import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { wallClockAt } from '../../../shared/domain/common/wall-clock';

const references = new Map<string, Intl.DateTimeFormat>();

/** What Intl itself says, field by field: the reference `wallClockAt` must agree with. */
function intlWallClock(ms: number, timeZone: string) {
  if (!references.has(timeZone)) references.set(timeZone, referenceFormatter(timeZone));
  const parts = references.get(timeZone)!.formatToParts(ms);
  const field = (type: string) => Number(parts.find((part) => part.type === type)!.value);
  return { year: field('year'), month: field('month'), day: field('day'), hour: field('hour'), minute: field('minute'), second: field('second') };
}

function referenceFormatter(timeZone: string): Intl.DateTimeFormat {
  return new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  });
}

// Zones with DST both ways, half- and quarter-hour offsets, a date-line jump and local mean time before 1901.
const ZONES = [
  'Asia/Shanghai',
  'America/New_York',
  'Europe/London',
  'Australia/Lord_Howe',
  'Asia/Kathmandu',
  'Asia/Kolkata',
  'Pacific/Apia',
  'Europe/Amsterdam',
];

describe('wallClockAt, read through a per-quarter-hour offset', () => {
  it('agrees with Intl at any instant from 1890 to 2100, in every zone', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1890, 0, 1), max: Date.UTC(2100, 0, 1) }), fc.constantFrom(...ZONES), (ms, zone) => {
        expect(wallClockAt(ms, zone)).toEqual(intlWallClock(ms, zone));
      }),
      { numRuns: 3000 },
    );
  });

  it('agrees with Intl second by second across the New York and London DST changes of 2027', () => {
    // 2027-03-14 02:00 New York (07:00 UTC), 2027-11-07 02:00 (06:00 UTC); 2027-03-28 01:00 UTC in London.
    for (const [zone, utc] of [
      ['America/New_York', Date.UTC(2027, 2, 14, 7)],
      ['America/New_York', Date.UTC(2027, 10, 7, 6)],
      ['Europe/London', Date.UTC(2027, 2, 28, 1)],
    ] as const) {
      for (let ms = utc - 1_800_000; ms <= utc + 1_800_000; ms += 7_000) expect(wallClockAt(ms, zone)).toEqual(intlWallClock(ms, zone));
    }
  });

  it('agrees with Intl second by second as Shanghai leaves local mean time (+08:05:43) inside a UTC quarter-hour', () => {
    // Local midnight of 1901-01-01 in LMT is 1900-12-31T15:54:17Z, between the quarter-hours 15:45 and 16:00.
    const transition = Date.UTC(1900, 11, 31, 15, 54, 17);
    for (let ms = transition - 1_200_000; ms <= transition + 1_200_000; ms += 1_000) {
      expect(wallClockAt(ms, 'Asia/Shanghai')).toEqual(intlWallClock(ms, 'Asia/Shanghai'));
    }
  });
});
