import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../../../infra/local/virtual-clock';

describe('VirtualClock', () => {
  it('wakes the waiters an advance reaches in time order, those due together in the order they began to wait, and no others', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 1, maxLength: 60 }),
        fc.integer({ min: 0, max: 50 }),
        async (hours, advanceHours) => {
          // Prepare: a clock far in the future of wall time, so only `advance` moves it past a waiter.
          const clock = new VirtualClock({ startAt: new Date('2100-01-01T00:00:00Z') });
          const start = clock.now().getTime();
          const woken: number[] = [];
          const waits = hours.map((h, i) => clock.waitUntil(new Date(start + h * 3_600_000)).then(() => void woken.push(i)));

          // Act
          clock.advance(advanceHours * 3_600_000 + 1000);
          await Promise.resolve();
          await new Promise((resolve) => setImmediate(resolve));

          // Assess
          const due = hours.map((h, i) => ({ h, i })).filter(({ h }) => h <= advanceHours);
          expect(woken).toEqual(due.sort((a, b) => a.h - b.h || a.i - b.i).map(({ i }) => i));
          expect(clock.pending).toBe(hours.length - due.length);
          clock.advance(60 * 3_600_000);
          await Promise.all(waits);
        },
      ),
      { numRuns: 100 },
    );
  });
});
