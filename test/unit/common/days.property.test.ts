import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { daysBetween, isoOfEpochSeconds, utcDayOfNumber } from '../../../shared/domain/common';

/** The cached and hand-built forms against what Date itself gives. */
describe('days', () => {
  const dayNumber = fc.integer({ min: -800_000, max: 2_900_000 });
  const dayOf = (n: number) => new Date(n * 86_400_000).toISOString().slice(0, 10);

  it('formats an instant in whole seconds as toISOString does, from the epoch to year 9999 and beyond', () => {
    const seconds = fc.oneof(
      fc.integer({ min: 0, max: 253_402_300_799 }),
      fc.integer({ min: 253_402_300_800, max: 8_000_000_000_000 }),
      fc.integer({ min: -60_000_000_000, max: -1 }),
      fc.double({ min: 0, max: 4_000_000_000, noNaN: true }),
    );
    fc.assert(
      fc.property(seconds, (s) => {
        expect(isoOfEpochSeconds(s)).toBe(new Date(s * 1000).toISOString());
      }),
      { numRuns: 2000 },
    );
  });

  it('names day numbers and counts the days between two days as Date does, asked again and again', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(dayNumber, dayNumber), { minLength: 1, maxLength: 20 }), (pairs) => {
        for (const [from, to] of [...pairs, ...pairs]) {
          expect(utcDayOfNumber(from)).toBe(dayOf(from));
          if (from >= -719_528 && to >= -719_528 && from < 2_932_897 && to < 2_932_897) expect(daysBetween(dayOf(from), dayOf(to))).toBe(to - from);
        }
      }),
    );
  });

  it('gives NaN between a day and a string that is not one, every time', () => {
    expect(daysBetween('2026-12-03', 'not a day')).toBeNaN();
    expect(daysBetween('2026-12-03', 'not a day')).toBeNaN();
    expect(daysBetween('2026-12-01', '2026-12-03')).toBe(2);
  });
});
