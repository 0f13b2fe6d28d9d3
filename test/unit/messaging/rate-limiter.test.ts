import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../../shared/domain/common';
import { createChannelRateGates, createTokenBucketGate, fullTokenBucket, takeToken, throttleBackoffMs } from '../../../shared/domain/messaging';

describe('token bucket', () => {
  it('grants a full burst, then one token per 1/rate seconds', () => {
    // Prepare: 14/s, capacity 14.
    const settings = { ratePerSecond: 14, capacity: 14 };
    let bucket = fullTokenBucket(settings, 0);
    // Act
    const burst = Array.from({ length: 14 }, () => {
      const take = takeToken(bucket, settings, 0);
      bucket = take.bucket;
      return take.granted;
    });
    const fifteenth = takeToken(bucket, settings, 0);
    const afterWait = fifteenth.granted ? undefined : takeToken(fifteenth.bucket, settings, fifteenth.waitMs);
    // Assess: a token takes 1000/14 ≈ 71.4 ms to refill, so the wait rounds up to 72 ms.
    expect(burst.every(Boolean)).toBe(true);
    expect(fifteenth).toMatchObject({ granted: false, waitMs: 72 });
    expect(afterWait?.granted).toBe(true);
  });

  it('property: no interval of length T sees more than capacity + rate × T grants', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 1, max: 20 }),
        fc.array(fc.integer({ min: 0, max: 400 }), { minLength: 1, maxLength: 200 }),
        (ratePerSecond, capacity, gapsMs) => {
          // Prepare
          const settings = { ratePerSecond, capacity };
          let bucket = fullTokenBucket(settings, 0);
          let now = 0;
          const granted: number[] = [];
          // Act
          for (const gap of gapsMs) {
            now += gap;
            const take = takeToken(bucket, settings, now);
            bucket = take.bucket;
            if (take.granted) granted.push(now);
          }
          // Assess
          for (let first = 0; first < granted.length; first += 1) {
            for (let last = first; last < granted.length; last += 1) {
              const span = granted[last]! - granted[first]!;
              expect(last - first + 1).toBeLessThanOrEqual(capacity + (ratePerSecond * span) / 1000 + 1e-9);
            }
          }
        },
      ),
    );
  });

  it('a clock stepping back mints no tokens', () => {
    const settings = { ratePerSecond: 10, capacity: 1 };
    const empty = takeToken(fullTokenBucket(settings, 1000), settings, 1000).bucket;
    expect(takeToken(empty, settings, 0).granted).toBe(false);
  });

  it('the gate waits on the clock, not in real time: 30 sends at 14/s take at least (30 - 14) / 14 s', async () => {
    // Prepare
    const clock = fixedClock('2025-06-01T00:00:00.000Z');
    const start = clock.now().getTime();
    const gate = createTokenBucketGate(
      { ratePerSecond: 14, capacity: 14 },
      () => clock.now().getTime(),
      async (ms) => clock.advance(ms),
    );
    // Act
    for (let send = 0; send < 30; send += 1) await gate.acquire();
    // Assess
    const elapsed = clock.now().getTime() - start;
    expect(elapsed).toBeGreaterThanOrEqual((16 / 14) * 1000);
    expect(elapsed).toBeLessThan((17 / 14) * 1000 + 16);
  });
});

describe('channel rate gates', () => {
  it('limit each channel on its own: a saturated email gate does not hold back push', async () => {
    // Prepare: email 2/s, push 100/s.
    const clock = fixedClock('2025-06-01T00:00:00.000Z');
    const start = clock.now().getTime();
    const gates = createChannelRateGates(
      { email: 2, sms: 20, push: 100 },
      () => clock.now().getTime(),
      async (ms) => clock.advance(ms),
    );
    // Act
    for (let send = 0; send < 3; send += 1) await gates.email.acquire();
    const afterEmail = clock.now().getTime() - start;
    for (let send = 0; send < 50; send += 1) await gates.push.acquire();
    // Assess: the third email waited half a second; 50 pushes fit push's burst of 100.
    expect(afterEmail).toBe(500);
    expect(clock.now().getTime() - start).toBe(500);
  });
});

describe('throttle backoff', () => {
  it('property: full jitter stays in [0, min(cap, base × 2^attempt))', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 30 }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (attempt, draw) => {
        const delay = throttleBackoffMs(attempt, { baseDelayMs: 200, maxDelayMs: 5000 }, () => draw);
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThan(Math.min(5000, 200 * 2 ** attempt));
      }),
    );
  });

  it('grows exponentially until the cap', () => {
    const nearlyOne = () => 0.999999;
    expect([0, 1, 2, 3, 4, 5].map((attempt) => throttleBackoffMs(attempt, { baseDelayMs: 200, maxDelayMs: 5000 }, nearlyOne))).toEqual([
      199, 399, 799, 1599, 3199, 4999,
    ]);
  });
});
