import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { BehaviourEvent } from '../../../shared/domain/events/behaviour-event';
import { aggregateDay, summarizeActivity, touchedUserDays, utcDayOf } from '../../../shared/domain/events/daily-activity';
import { validateEventBatch } from '../../../shared/domain/events/validate-batch';

const window = { maxAgeDays: 400, maxFutureSkewMs: 300_000 };
const now = new Date('2026-11-24T12:00:00Z');

describe('aggregateDay', () => {
  it('counts each kind of event of the user and day, and nothing else', () => {
    // Prepare
    const events: BehaviourEvent[] = [
      { eventId: 'a', userId: 'u1', type: 'session', timestamp: '2026-11-24T01:00:00Z' },
      { eventId: 'b', userId: 'u1', type: 'session', timestamp: '2026-11-24T09:30:00+08:00' }, // 01:30 UTC, same day
      { eventId: 'c', userId: 'u1', type: 'feature_use', feature: 'playlist', timestamp: '2026-11-24T02:00:00Z' },
      { eventId: 'd', userId: 'u1', type: 'feature_use', feature: 'playlist', timestamp: '2026-11-24T03:00:00Z' },
      { eventId: 'e', userId: 'u1', type: 'purchase', orderId: 'o1', amount: 10.1, currency: 'CNY', timestamp: '2026-11-24T04:00:00Z' },
      { eventId: 'f', userId: 'u1', type: 'purchase', orderId: 'o2', amount: 0.2, currency: 'CNY', timestamp: '2026-11-24T05:00:00Z' },
      { eventId: 'g', userId: 'u1', type: 'refund', orderId: 'o1', amount: 3, timestamp: '2026-11-24T06:00:00Z' },
      { eventId: 'h', userId: 'u1', type: 'session', timestamp: '2026-11-25T00:00:01+08:00' }, // 2026-11-24T16:00:01Z
      { eventId: 'x', userId: 'u1', type: 'session', timestamp: '2026-11-23T23:59:59Z' }, // previous UTC day
      { eventId: 'y', userId: 'u2', type: 'session', timestamp: '2026-11-24T01:00:00Z' }, // other user
    ];

    // Act
    const activity = aggregateDay('u1', '2026-11-24', events);

    // Assess: 3 sessions (a, b, h), 2 playlist uses, purchases 10.1 + 0.2 = 10.3, refund 3.
    expect(activity).toMatchObject({
      eventCount: 8,
      sessions: 3,
      featureUses: { playlist: 2 },
      purchases: 2,
      purchaseAmount: 10.3,
      refunds: 1,
      refundAmount: 3,
      firstEventAt: '2026-11-24T01:00:00.000Z',
      lastEventAt: '2026-11-24T16:00:01.000Z',
    });
  });

  it('is idempotent: duplicates and order do not change the aggregate', () => {
    const event = fc.record({
      eventId: fc.constantFrom('e1', 'e2', 'e3', 'e4', 'e5', 'e6'),
      kind: fc.constantFrom('session', 'search', 'checkin'),
      minute: fc.integer({ min: 0, max: 1439 }),
    });
    fc.assert(
      fc.property(fc.array(event, { maxLength: 30 }), (drawn) => {
        // Events with the same id are the same event: make their content depend on the id only.
        const canonical = new Map(drawn.map((d) => [d.eventId, d]));
        const events = drawn.map((d) => {
          const c = canonical.get(d.eventId)!;
          const timestamp = new Date(Date.parse('2026-11-24T00:00:00Z') + c.minute * 60_000).toISOString();
          return c.kind === 'search'
            ? ({ eventId: c.eventId, userId: 'u', type: 'search', query: 'q', timestamp } as BehaviourEvent)
            : ({ eventId: c.eventId, userId: 'u', type: c.kind, timestamp } as BehaviourEvent);
        });
        const once = aggregateDay('u', '2026-11-24', [...new Map(events.map((e) => [e.eventId, e])).values()]);
        const withDuplicates = aggregateDay('u', '2026-11-24', [...events, ...events].reverse());
        expect(withDuplicates).toEqual(once);
        expect(once.eventCount).toBe(canonical.size);
      }),
    );
  });
});

describe('touchedUserDays', () => {
  it('lists each (user, UTC day) once', () => {
    const keys = touchedUserDays([
      { userId: 'u1', timestamp: '2026-11-24T23:30:00-01:00' }, // 2026-11-25 UTC
      { userId: 'u1', timestamp: '2026-11-25T10:00:00Z' },
      { userId: 'u2', timestamp: '2026-11-25T10:00:00Z' },
    ]);
    expect(keys).toEqual([
      { userId: 'u1', day: '2026-11-25' },
      { userId: 'u2', day: '2026-11-25' },
    ]);
  });
});

describe('summarizeActivity', () => {
  it('derives last seen, active days and totals from the days', () => {
    const day = (d: string, fields: Partial<ReturnType<typeof aggregateDay>>) => ({ ...aggregateDay('u', d, []), ...fields });
    const summary = summarizeActivity(
      [
        day('2026-11-23', { eventCount: 2, sessions: 2, lastEventAt: '2026-11-23T10:00:00.000Z' }),
        day('2026-11-10', { eventCount: 1, purchases: 1, purchaseAmount: 5, lastEventAt: '2026-11-10T08:00:00.000Z' }),
        day('2026-09-01', { eventCount: 1, sessions: 1, lastEventAt: '2026-09-01T08:00:00.000Z' }),
        day('2026-11-22', { eventCount: 1, messageOpens: 1, lastEventAt: '2026-11-22T08:00:00.000Z' }), // an open is not activity
      ],
      now,
    );
    expect(summary).toMatchObject({
      lastSeenAt: '2026-11-23T10:00:00.000Z',
      daysSinceLastSeen: 1,
      lastPurchaseAt: '2026-11-10T08:00:00.000Z',
      activeDaysLast7: 1,
      activeDaysLast30: 2,
      sessionsLast30: 2,
      purchasesTotal: 1,
      purchaseAmountTotal: 5,
    });
  });
});

describe('validateEventBatch', () => {
  it('accepts a valid batch and keeps every event', () => {
    const result = validateEventBatch({ events: [{ eventId: 'a', userId: 'u', type: 'checkin', timestamp: '2026-11-24T11:00:00+08:00' }] }, now, window);
    expect(result.ok).toBe(true);
  });

  it('accepts an event exactly at the edges of the time window and refuses one just past them', () => {
    const at = (ms: number) => ({ events: [{ eventId: 'a', userId: 'u', type: 'session', timestamp: new Date(ms).toISOString() }] });
    expect(validateEventBatch(at(now.getTime() + 300_000), now, window).ok).toBe(true);
    expect(validateEventBatch(at(now.getTime() + 301_000), now, window).ok).toBe(false);
    expect(validateEventBatch(at(now.getTime() - 400 * 86_400_000), now, window).ok).toBe(true);
    expect(validateEventBatch(at(now.getTime() - 400 * 86_400_000 - 1000), now, window).ok).toBe(false);
  });

  it('utcDayOf reads offsets', () => {
    expect(utcDayOf('2026-11-25T07:59:59+08:00')).toBe('2026-11-24');
    expect(utcDayOf('2026-11-25T08:00:00+08:00')).toBe('2026-11-25');
  });
});
