import { describe, expect, it } from 'vitest';
import { ingestEvents } from '../../../../shared/application/events/ingest-events';
import { fixedClock } from '../../../../shared/domain/common';
import { InMemoryRawEventStore } from '../../../support/fakes/raw-event-store';

const clock = fixedClock('2026-11-24T12:00:00Z');
const window = { maxAgeDays: 400, maxFutureSkewMs: 300_000 };
const purchase = (eventId: string, amount: number, timestamp = '2026-11-24T08:00:00Z') => ({
  eventId,
  userId: 'u1',
  type: 'purchase',
  orderId: 'o1',
  amount,
  currency: 'CNY',
  timestamp,
});

describe('ingestEvents', () => {
  it('accepts a re-send with another timestamp; only the first write is an insert, so the first content is what is applied', async () => {
    // Prepare
    const rawEvents = new InMemoryRawEventStore();
    await ingestEvents({ events: [purchase('p1', 10)] }, { rawEvents, clock, window });

    // Act
    const outcome = await ingestEvents({ events: [purchase('p1', 10, '2026-11-24T11:00:00Z')] }, { rawEvents, clock, window });

    // Assess
    expect(outcome).toEqual({ kind: 'accepted', accepted: 1 });
    expect(rawEvents.inserts.map((insert) => insert.event.timestamp)).toEqual(['2026-11-24T08:00:00Z']);
  });

  it('rejects one id twice in a batch with different contents, naming both indexes, and stores nothing', async () => {
    // Prepare
    const rawEvents = new InMemoryRawEventStore();

    // Act
    const outcome = await ingestEvents({ events: [purchase('p1', 10), purchase('p2', 5), purchase('p1', 999)] }, { rawEvents, clock, window });

    // Assess
    expect(outcome.kind).toBe('invalid');
    if (outcome.kind !== 'invalid') return;
    expect(outcome.problems.map((problem) => [problem.index, problem.path])).toEqual([
      [0, 'eventId'],
      [2, 'eventId'],
    ]);
    expect(outcome.problems[0]!.message).toContain('appears twice with different contents');
    expect(rawEvents.events.size).toBe(0);
  });

  it('accepts identical copies inside a batch and stores the event once', async () => {
    // Prepare
    const rawEvents = new InMemoryRawEventStore();

    // Act
    const outcome = await ingestEvents({ events: [purchase('p1', 10), purchase('p1', 10)] }, { rawEvents, clock, window });

    // Assess
    expect(outcome).toEqual({ kind: 'accepted', accepted: 2 });
    expect(rawEvents.inserts).toHaveLength(1);
  });
});
