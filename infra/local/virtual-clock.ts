import type { Clock } from '../../shared/domain/common';

interface Waiter {
  at: number;
  resolve: () => void;
}

/**
 * The local runtime's controllable clock: wall time plus an offset that only moves forward.
 * `advance` wakes everything waiting on a time it has reached, in time order, so a 21-day
 * program runs in seconds through the same definitions that run in AWS.
 */
export class VirtualClock implements Clock {
  private offsetMs: number;
  private readonly waiters: Waiter[] = [];

  constructor(options: { offsetMs?: number; startAt?: Date } = {}) {
    this.offsetMs = options.startAt ? options.startAt.getTime() - Date.now() : (options.offsetMs ?? 0);
  }

  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  get offset(): number {
    return this.offsetMs;
  }

  /** Moves the clock forward by `ms` (never back) and wakes the waiters that are now due. */
  advance(ms: number): Date {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`clock can only move forward, got ${ms} ms`);
    this.offsetMs += ms;
    this.wakeDue();
    return this.now();
  }

  /** Moves the clock to `at`, which must not be in the clock's past. */
  setTo(at: Date): Date {
    const delta = at.getTime() - this.now().getTime();
    if (delta < 0) throw new RangeError(`clock can only move forward; ${at.toISOString()} is in its past`);
    return this.advance(delta);
  }

  /**
   * Resolves once the clock reaches `at`: by an `advance`, or by wall time passing. Rejects with
   * the signal's reason when aborted.
   */
  waitUntil(at: Date, signal?: AbortSignal): Promise<void> {
    const target = at.getTime();
    if (this.now().getTime() >= target) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const waiter: Waiter = {
        at: target,
        resolve: () => {
          if (timer) clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      const onAbort = () => {
        if (timer) clearTimeout(timer);
        this.remove(waiter);
        reject(signal?.reason ?? new Error('aborted'));
      };
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      this.insert(waiter);
      // Wall time also moves the clock; a timer (capped so it never overflows) catches that.
      const armTimer = () => {
        const remaining = target - this.now().getTime();
        if (remaining <= 0) {
          this.remove(waiter);
          waiter.resolve();
          return;
        }
        timer = setTimeout(armTimer, Math.min(remaining, 2 ** 31 - 1));
        timer.unref?.();
      };
      armTimer();
    });
  }

  /** How many executions or jobs are waiting on the clock. */
  get pending(): number {
    return this.waiters.length;
  }

  private wakeDue(): void {
    const now = this.now().getTime();
    while (this.waiters.length > 0 && this.waiters[0]!.at <= now) {
      const waiter = this.waiters.shift()!;
      waiter.resolve();
    }
  }

  /**
   * Keeps the waiters in time order, a waiter after those due at the same time: found by binary
   * search, since thousands wait at once (every recall journey's execution in its first wait),
   * and sorting them all again on every new one cost a second of CPU a night in the bench.
   */
  private insert(waiter: Waiter): void {
    let low = 0;
    let high = this.waiters.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (this.waiters[middle]!.at <= waiter.at) low = middle + 1;
      else high = middle;
    }
    this.waiters.splice(low, 0, waiter);
  }

  private remove(waiter: Waiter): void {
    const index = this.waiters.indexOf(waiter);
    if (index >= 0) this.waiters.splice(index, 1);
  }
}
