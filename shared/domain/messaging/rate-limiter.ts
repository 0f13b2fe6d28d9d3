import type { Channel } from './channel';

/** A token bucket's state: tokens left, and when they were last counted. */
export interface TokenBucket {
  tokens: number;
  updatedAtMs: number;
}

/** Refill rate and capacity. Capacity bounds the burst after a quiet spell. */
export interface TokenBucketSettings {
  ratePerSecond: number;
  capacity: number;
}

export type TokenTake = { granted: true; bucket: TokenBucket } | { granted: false; bucket: TokenBucket; waitMs: number };

/** A full bucket at `nowMs`. */
export function fullTokenBucket(settings: TokenBucketSettings, nowMs: number): TokenBucket {
  return { tokens: settings.capacity, updatedAtMs: nowMs };
}

/**
 * Takes one token if there is one. Pure: returns the next state; when refused, `waitMs` is how
 * long until a token will be there. Over any interval of length T at most `capacity + rate × T`
 * tokens are granted, which is what keeps SES under its sending rate.
 */
export function takeToken(bucket: TokenBucket, settings: TokenBucketSettings, nowMs: number): TokenTake {
  // A clock that steps back must not mint tokens, so elapsed time is never negative.
  const elapsedMs = Math.max(0, nowMs - bucket.updatedAtMs);
  const tokens = Math.min(settings.capacity, bucket.tokens + (elapsedMs * settings.ratePerSecond) / 1000);
  const updatedAtMs = Math.max(nowMs, bucket.updatedAtMs);
  if (tokens >= 1) return { granted: true, bucket: { tokens: tokens - 1, updatedAtMs } };
  const waitMs = Math.ceil(((1 - tokens) * 1000) / settings.ratePerSecond);
  return { granted: false, bucket: { tokens, updatedAtMs }, waitMs };
}

/**
 * Delay before retry `attempt` (0-based) after a throttle: "full jitter" exponential backoff,
 * uniform in [0, min(maxDelayMs, baseDelayMs × 2^attempt)). Jitter spreads the retries of many
 * concurrent senders so they do not hit the provider again in lockstep. `random` returns [0, 1).
 */
export function throttleBackoffMs(attempt: number, settings: { baseDelayMs: number; maxDelayMs: number }, random: () => number): number {
  const ceiling = Math.min(settings.maxDelayMs, settings.baseDelayMs * 2 ** Math.max(0, attempt));
  return Math.floor(random() * ceiling);
}

/** Waits for permission to call a provider. */
export interface RateGate {
  acquire(): Promise<void>;
}

/**
 * A rate gate over a token bucket for one process. `pause` is the only way it waits, so tests
 * pass a pause that moves a fixed clock instead of sleeping. Across many Lambda instances the
 * account-wide SES rate also needs the sending function's reserved concurrency (instances × rate
 * ≤ account rate); this gate keeps each instance within its share.
 */
export function createTokenBucketGate(settings: TokenBucketSettings, now: () => number, pause: (ms: number) => Promise<void>): RateGate {
  let bucket = fullTokenBucket(settings, now());
  return {
    async acquire() {
      for (;;) {
        const take = takeToken(bucket, settings, now());
        bucket = take.bucket;
        if (take.granted) return;
        await pause(take.waitMs);
      }
    },
  };
}

/**
 * One gate per channel from the configured rates, burst one second's worth. SES and SNS limit
 * independently, so a throttled email queue must not hold back push.
 */
export function createChannelRateGates(
  ratesPerSecond: Record<Channel, number>,
  now: () => number,
  pause: (ms: number) => Promise<void>,
): Record<Channel, RateGate> {
  const gateFor = (rate: number) => createTokenBucketGate({ ratePerSecond: rate, capacity: Math.max(1, Math.floor(rate)) }, now, pause);
  return { email: gateFor(ratesPerSecond.email), sms: gateFor(ratesPerSecond.sms), push: gateFor(ratesPerSecond.push) };
}
