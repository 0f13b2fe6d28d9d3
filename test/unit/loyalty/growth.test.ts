import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GrowthConfig, type GrowthEvent, growthLevelOf, recordGrowthEvent } from '../../../shared/domain/loyalty/growth';
import { InMemoryLedgerStore } from '../../support/fakes/ledger-store';

const config = GrowthConfig.parse({});

function purchase(eventId: string, amount: number): GrowthEvent {
  return { kind: 'purchase', eventId, userId: 'u1', amount, currency: 'CNY', occurredAt: '2025-05-01T10:00:00.000Z' };
}

function refund(eventId: string, amount: number): GrowthEvent {
  return { ...purchase(eventId, amount), kind: 'refund' };
}

describe('growth value', () => {
  it('adds growth once for a duplicated purchase event', async () => {
    // Prepare
    const ledger = new InMemoryLedgerStore();

    // Act
    const first = await recordGrowthEvent(ledger, purchase('evt-1', 120.5), config);
    const duplicate = await recordGrowthEvent(ledger, purchase('evt-1', 120.5), config);

    // Assess: 120.5 → 120 growth, once.
    expect(first).toEqual({ kind: 'growth-changed', growth: 120, levelChange: undefined });
    expect(duplicate).toEqual({ kind: 'already-counted' });
    expect((await ledger.balance('u1', 'growth')).amount).toBe(120);
  });

  it('emits a level change to VIP at 1,000 and back down on a refund', async () => {
    // Prepare
    const ledger = new InMemoryLedgerStore();
    await recordGrowthEvent(ledger, purchase('evt-1', 600), config);

    // Act
    const up = await recordGrowthEvent(ledger, purchase('evt-2', 400), config);
    const down = await recordGrowthEvent(ledger, refund('evt-3', 1), config);

    // Assess: 600 + 400 = 1000 → vip; 1000 − 1 = 999 → growth, the level below VIP.
    expect(up).toMatchObject({ kind: 'growth-changed', growth: 1000, levelChange: { from: 'growth', to: 'vip', direction: 'up' } });
    expect(down).toMatchObject({ kind: 'growth-changed', growth: 999, levelChange: { from: 'vip', to: 'growth', direction: 'down' } });
  });

  it('never takes growth below zero on a refund larger than what is left', async () => {
    // Prepare
    const ledger = new InMemoryLedgerStore();
    await recordGrowthEvent(ledger, purchase('evt-1', 50), config);

    // Act
    const outcome = await recordGrowthEvent(ledger, refund('evt-2', 80), config);

    // Assess
    expect(outcome).toMatchObject({ kind: 'growth-changed', growth: 0 });
    expect((await ledger.balance('u1', 'growth')).amount).toBe(0);
  });

  it('rejects levels that do not start at 0 or do not increase', () => {
    // Prepare / Act
    const notFromZero = GrowthConfig.safeParse({ levels: [{ name: 'vip', minGrowth: 10 }] });
    const decreasing = GrowthConfig.safeParse({
      levels: [
        { name: 'a', minGrowth: 0 },
        { name: 'b', minGrowth: 500 },
        { name: 'c', minGrowth: 500 },
      ],
    });

    // Assess
    expect(notFromZero.success).toBe(false);
    expect(decreasing.success).toBe(false);
    expect(growthLevelOf(999, config)).toBe('growth');
  });

  it('equals the clamped running sum of distinct events, whatever the duplicates and concurrency', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ index: fc.integer({ min: 0, max: 8 }), amount: fc.integer({ min: 1, max: 500 }) }), { maxLength: 30 }),
        async (events) => {
          // Prepare: event ids index the amount and kind, so a repeated id is an identical delivery.
          const ledger = new InMemoryLedgerStore();
          const byIndex = (index: number, amount: number) => (index % 3 === 0 ? refund(`evt-${index}`, amount) : purchase(`evt-${index}`, amount));
          const firstAmount = new Map<number, number>();
          for (const { index, amount } of events) if (!firstAmount.has(index)) firstAmount.set(index, amount);
          const deliveries = events.map(({ index }) => byIndex(index, firstAmount.get(index) ?? 0));

          // Act: sequential, then everything again concurrently (all duplicates).
          for (const event of deliveries) await recordGrowthEvent(ledger, event, config);
          await Promise.all(deliveries.map((event) => recordGrowthEvent(ledger, event, config)));

          // Assess: the model applies each distinct event once, in first-seen order, clamped at 0.
          let expected = 0;
          const counted = new Set<string>();
          for (const event of deliveries) {
            if (counted.has(event.eventId)) continue;
            counted.add(event.eventId);
            expected = event.kind === 'purchase' ? expected + event.amount : Math.max(0, expected - event.amount);
          }
          expect((await ledger.balance('u1', 'growth')).amount).toBe(expected);
        },
      ),
      { numRuns: 200 },
    );
  });
});
