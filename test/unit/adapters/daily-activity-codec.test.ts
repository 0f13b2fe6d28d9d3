import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { aggregateDay, type DailyActivity } from '../../../shared/domain/events/daily-activity';
import { DAYS_ATTRIBUTE, dayKey, decodeMonthDays, encodeDay, encodeMonthDays } from '../../../shared/adapters/dynamodb/daily-activity-codec';

describe('the stored form of daily aggregates', () => {
  it('round-trips every field of any day', () => {
    const count = fc.integer({ min: 0, max: 10_000 });
    const day = fc.record({
      dayOfMonth: fc.integer({ min: 1, max: 28 }),
      counts: fc.array(count, { minLength: 11, maxLength: 11 }),
      amounts: fc.array(
        fc.integer({ min: 0, max: 10_000_000 }).map((cents) => cents / 100),
        { minLength: 2, maxLength: 2 },
      ),
      seconds: fc.array(fc.integer({ min: 0, max: 86_399 }), { minLength: 2, maxLength: 2 }),
      features: fc.dictionary(fc.constantFrom('search', 'playlist', 'share'), count),
    });
    fc.assert(
      fc.property(fc.uniqueArray(day, { selector: (d) => d.dayOfMonth, maxLength: 5 }), (drawn) => {
        // Prepare
        const activities: DailyActivity[] = drawn.map((d) => {
          const date = `2026-11-${String(d.dayOfMonth).padStart(2, '0')}`;
          const [first, last] = [...d.seconds].sort((a, b) => a - b) as [number, number];
          const at = (s: number) => new Date(Date.parse(`${date}T00:00:00Z`) + s * 1000).toISOString();
          const [eventCount, sessions, searches, purchases, refunds, checkins, referralSignups, messageOpens, messageClicks, unsubscribes] =
            d.counts as number[];
          return {
            ...aggregateDay('u', date, []),
            eventCount: eventCount!,
            sessions: sessions!,
            searches: searches!,
            purchases: purchases!,
            refunds: refunds!,
            checkins: checkins!,
            referralSignups: referralSignups!,
            messageOpens: messageOpens!,
            messageClicks: messageClicks!,
            unsubscribes: unsubscribes!,
            purchaseAmount: d.amounts[0]!,
            refundAmount: d.amounts[1]!,
            firstEventAt: at(first),
            lastEventAt: at(last),
            featureUses: d.features,
          };
        });
        const item = { [DAYS_ATTRIBUTE]: encodeMonthDays(activities) };
        const legacyItem = { [DAYS_ATTRIBUTE]: Object.fromEntries(activities.map((a) => [dayKey(a.day), encodeDay(a)])) };

        // Act
        const decoded = decodeMonthDays('u', 'MONTH#2026-11', item);
        const decodedLegacy = decodeMonthDays('u', 'MONTH#2026-11', legacyItem);

        // Assess
        expect(typeof item[DAYS_ATTRIBUTE]).toBe('string');
        expect(decoded).toEqual([...activities].sort((a, b) => a.day.localeCompare(b.day)));
        expect(decodedLegacy).toEqual(decoded);
      }),
    );
  });

  it('is several times smaller than a named map per day', () => {
    const activity = {
      ...aggregateDay('u', '2026-11-24', []),
      eventCount: 12,
      sessions: 3,
      searches: 2,
      purchases: 1,
      purchaseAmount: 19.9,
      featureUses: { playlist: 4 },
      firstEventAt: '2026-11-24T08:00:00.000Z',
      lastEventAt: '2026-11-24T21:00:00.000Z',
    };
    const { userId: _u, day: _d, ...named } = activity;
    expect(JSON.stringify(encodeDay(activity)).length * 2.5).toBeLessThan(JSON.stringify(named).length);
  });
});
