import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { wallClockAt } from '../../../shared/domain/common';
import type { BehaviourEvent } from '../../../shared/domain/events/behaviour-event';
import { activeLocalDays, aggregateDay, emptyDay, type DailyActivity } from '../../../shared/domain/events/daily-activity';

const session = (eventId: string, timestamp: string): BehaviourEvent => ({ eventId, userId: 'u', type: 'session', timestamp });

function utcDays(events: BehaviourEvent[]) {
  const days = [...new Set(events.map((event) => new Date(event.timestamp).toISOString().slice(0, 10)))];
  return days.map((day) => aggregateDay('u', day, events));
}

describe('activeLocalDays', () => {
  it('puts activity on both sides of midnight in Asia/Shanghai on the right local days', () => {
    // Prepare: 23:59 and 00:01 Shanghai time are both on the UTC day 2026-11-24.
    const events = [session('a', '2026-11-24T23:59:00+08:00'), session('b', '2026-11-25T00:01:00+08:00')];

    // Act
    const shanghai = activeLocalDays(utcDays(events), 'Asia/Shanghai');
    const utc = activeLocalDays(utcDays(events), 'UTC');

    // Assess
    expect(shanghai).toEqual(['2026-11-24', '2026-11-25']);
    expect(utc).toEqual(['2026-11-24']);
  });

  it('follows the reporting zone across a DST change', () => {
    // Prepare: New York leaves DST on 2026-11-01 (UTC-4 before, UTC-5 after). 23:30 local on
    // Oct 31 is 03:30Z Nov 1; 23:30 local on Nov 1 is 04:30Z Nov 2; 00:10 local on Nov 2 is 05:10Z.
    const events = [session('a', '2026-11-01T03:30:00Z'), session('b', '2026-11-02T04:30:00Z'), session('c', '2026-11-02T05:10:00Z')];

    // Act
    const newYork = activeLocalDays(utcDays(events), 'America/New_York');

    // Assess
    expect(newYork).toEqual(['2026-10-31', '2026-11-01', '2026-11-02']);
  });

  it('reads each quarter-hour’s own offset on a UTC day with a DST change in it', () => {
    // Prepare: Santiago leaves DST at local midnight of 2026-04-04 (03:00Z on Apr 5: UTC-3, then
    // UTC-4), so both 02:30Z and 03:30Z on Apr 5 are 23:30 on Apr 4 there; at the UTC day's start
    // the offset is still UTC-3, which would put 03:30Z on Apr 5.
    const events = [session('a', '2026-04-05T02:30:00Z'), session('b', '2026-04-05T03:30:00Z')];

    // Act
    const santiago = activeLocalDays(utcDays(events), 'America/Santiago');

    // Assess
    expect(santiago).toEqual(['2026-04-04']);
  });

  it('counts message opens as no presence', () => {
    // Prepare
    const events: BehaviourEvent[] = [{ eventId: 'm', userId: 'u', type: 'message_open', messageId: 'x', timestamp: '2026-11-24T10:00:00Z' }];

    // Act
    const days = activeLocalDays(utcDays(events), 'Asia/Shanghai');

    // Assess
    expect(days).toEqual([]);
  });

  it('puts every active quarter-hour on the date the zone’s wall clock shows at its start, in any zone, on any day', () => {
    // The definition, read through Intl for each quarter-hour: what the cached offsets and the
    // split of a steady day into two local dates must reproduce (DST days, half-hour and
    // quarter-hour zones, and historic offsets in seconds included).
    const zones = [
      'Asia/Shanghai',
      'America/New_York',
      'America/Santiago',
      'Australia/Lord_Howe',
      'Asia/Kathmandu',
      'Pacific/Chatham',
      'Europe/London',
      'Pacific/Kiritimati',
      'Pacific/Pago_Pago',
      'Europe/Amsterdam',
      'UTC',
    ];
    const day = fc
      .integer({ min: Date.UTC(1900, 0, 1) / 86_400_000, max: Date.UTC(2040, 0, 1) / 86_400_000 })
      .map((n) => new Date(n * 86_400_000).toISOString().slice(0, 10));
    const quarterHours = fc.array(fc.integer({ min: 0, max: 95 }), { maxLength: 8 });
    fc.assert(
      fc.property(fc.constantFrom(...zones), fc.array(fc.tuple(day, quarterHours), { minLength: 1, maxLength: 4 }), (zone, userDays) => {
        // Prepare
        const days: DailyActivity[] = userDays.map(([utcDay, quarters]) => {
          const digits = Array.from({ length: 24 }, (_, digit) =>
            quarters.filter((q) => Math.floor(q / 4) === digit).reduce((value, q) => value | (1 << (q % 4)), 0),
          );
          return { ...emptyDay('u', utcDay), sessions: 1, eventCount: 1, activeQuarterHours: digits.map((value) => value.toString(16)).join('') };
        });
        const expected = new Set<string>();
        for (const [utcDay, quarters] of userDays) {
          for (const q of quarters) {
            const wall = wallClockAt(Date.parse(`${utcDay}T00:00:00Z`) + q * 900_000, zone);
            expected.add(`${String(wall.year).padStart(4, '0')}-${String(wall.month).padStart(2, '0')}-${String(wall.day).padStart(2, '0')}`);
          }
        }

        // Act
        const found = activeLocalDays(days, zone);

        // Assess
        expect(found).toEqual([...expected].sort());
      }),
      { numRuns: 400 },
    );
  });
});
