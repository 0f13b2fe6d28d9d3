import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyNewEvents } from '../../../../shared/application/events/apply-new-events';
import { ingestEvents } from '../../../../shared/application/events/ingest-events';
import { fixedClock } from '../../../../shared/domain/common';
import { aggregateDay, type DailyActivity } from '../../../../shared/domain/events/daily-activity';
import type { BehaviourEvent } from '../../../../shared/domain/events/behaviour-event';
import { InMemoryMonthActivityStore } from '../../../support/fakes/month-activity-store';
import { InMemoryRawEventStore } from '../../../support/fakes/raw-event-store';

const clock = fixedClock('2026-11-24T12:00:00Z');
const window = { maxAgeDays: 400, maxFutureSkewMs: 300_000 };

const session = (userId: string, eventId: string, timestamp: string): BehaviourEvent => ({ eventId, userId, type: 'session', timestamp });
const purchase = (userId: string, eventId: string, amount: number, timestamp: string): BehaviourEvent => ({
  eventId,
  userId,
  type: 'purchase',
  orderId: `o-${eventId}`,
  amount,
  currency: 'CNY',
  timestamp,
});

const counts = (activity: DailyActivity | undefined) =>
  activity && { eventCount: activity.eventCount, sessions: activity.sessions, purchases: activity.purchases, purchaseAmount: activity.purchaseAmount };

describe('applyNewEvents', () => {
  it('applies a redelivered batch once after a partial failure', async () => {
    // Prepare: two users' new events; writing u2's month fails the first time.
    const raw = new InMemoryRawEventStore();
    const months = new InMemoryMonthActivityStore();
    await raw.putAll([session('u1', 'a', '2026-11-24T01:00:00Z'), purchase('u1', 'b', 10, '2026-11-24T02:00:00Z'), session('u2', 'c', '2026-11-24T03:00:00Z')]);
    months.failNextPutOf('u2', '2026-11');

    // Act: the first delivery fails part way, the stream redelivers the whole batch.
    const first = await applyNewEvents(raw.inserts, { months }).catch((error: unknown) => error);
    await applyNewEvents(raw.inserts, { months });

    // Assess
    expect(first).toBeInstanceOf(Error);
    expect(counts(months.dayOf('u1', '2026-11-24'))).toEqual({ eventCount: 2, sessions: 1, purchases: 1, purchaseAmount: 10 });
    expect(counts(months.dayOf('u2', '2026-11-24'))).toEqual({ eventCount: 1, sessions: 1, purchases: 0, purchaseAmount: 0 });
  });

  it('gives the recomputed aggregate whatever the batching, redeliveries and duplicate sends', async () => {
    const drawnEvent = fc.record({ id: fc.integer({ min: 0, max: 15 }), minute: fc.integer({ min: 0, max: 2 * 1440 - 1 }), user: fc.constantFrom('u1', 'u2') });
    await fc.assert(
      fc.asyncProperty(
        fc.array(drawnEvent, { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 1, max: 7 }),
        fc.boolean(),
        async (drawn, batchSize, redeliver) => {
          // Prepare: events sent in batches (ids re-sent with other timestamps are duplicates).
          const raw = new InMemoryRawEventStore();
          const months = new InMemoryMonthActivityStore();
          const events = drawn.map((d) => session(d.user, `e${d.id}`, new Date(Date.parse('2026-11-23T00:00:00Z') + d.minute * 60_000).toISOString()));
          const accepted: BehaviourEvent[] = [];
          for (let i = 0; i < events.length; i += batchSize) {
            const batch = events.slice(i, i + batchSize).filter((e, j, all) => all.findIndex((o) => o.eventId === e.eventId && o.userId === e.userId) === j);
            const outcome = await ingestEvents({ events: batch }, { rawEvents: raw, clock, window });
            if (outcome.kind === 'accepted') accepted.push(...batch);
          }

          // Act: the stream delivers the inserts in batches of 3, each possibly twice.
          for (let i = 0; i < raw.inserts.length; i += 3) {
            const batch = raw.inserts.slice(i, i + 3);
            await applyNewEvents(batch, { months });
            if (redeliver) await applyNewEvents(batch, { months });
          }

          // Assess: the same as recomputing each day from each id's first content accepted (a
          // re-send is written over the stored item, but only a first write is an insert).
          const stored = accepted.filter((e, j) => accepted.findIndex((o) => o.eventId === e.eventId && o.userId === e.userId) === j);
          for (const user of ['u1', 'u2']) {
            for (const day of ['2026-11-23', '2026-11-24']) {
              const expected = aggregateDay(user, day, stored);
              expect(counts(months.dayOf(user, day)) ?? counts(expected)).toEqual(counts(expected));
              if (expected.eventCount > 0) expect(months.dayOf(user, day)?.activeQuarterHours).toBe(expected.activeQuarterHours);
            }
          }
        },
      ),
      { numRuns: 100 },
    );
  });
});
