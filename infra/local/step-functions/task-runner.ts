import type { VirtualClock } from '../virtual-clock';
import { isJsonObject } from './asl';
import { StatesTaskError } from './errors';
import type { LocalTaskSpec, Retrier } from './local-definition';

/** What a local task implementation learns about the state it runs for. */
export interface TaskContext {
  stateName: string;
  /** The Task's Resource as written, integration-pattern suffix included. */
  resource: string;
  executionArn: string;
  executionName: string;
  stateMachineArn: string;
  /** Aborted when the execution stops, times out or this attempt times out. */
  signal: AbortSignal;
  /** Set for `.waitForTaskToken` resources: the token the task must hand to whoever completes it. */
  taskToken?: string;
}

/**
 * A local implementation of a Task's Resource. It gets the state's effective input (after
 * InputPath and Parameters) and returns its result; errors it throws are matched by `name` in
 * Retry and Catch, so throw errors named as Step Functions names them.
 */
export type TaskHandler = (input: unknown, context: TaskContext) => Promise<unknown>;

/** Maps a Resource to its local implementation, or `undefined` when it has none. */
export type TaskHandlerResolver = (resource: string, state: { stateName: string; stateMachineArn: string }) => TaskHandler | undefined;

const DEFAULT_INTERVAL_SECONDS = 1;
const DEFAULT_MAX_ATTEMPTS = 3;
const DEFAULT_BACKOFF_RATE = 2;

/** Errors a Task throws surface by name; anything that is not an Error becomes States.TaskFailed. */
export function asNamedError(thrown: unknown): Error {
  if (thrown instanceof Error) return thrown;
  return new StatesTaskError('States.TaskFailed', typeof thrown === 'string' ? thrown : (JSON.stringify(thrown) ?? String(thrown)));
}

function retrierMatches(retrier: Retrier, errorName: string): boolean {
  // States.Runtime is never retried; States.TaskFailed matches every error but a timeout.
  if (errorName === 'States.Runtime') return false;
  return retrier.ErrorEquals.some((name) => name === errorName || name === 'States.ALL' || (name === 'States.TaskFailed' && errorName !== 'States.Timeout'));
}

/** The pause before retry number `attempt` (1-based) of `retrier`, in milliseconds. */
export function retryDelayMs(retrier: Retrier, attempt: number, random: () => number = Math.random): number {
  const interval = retrier.IntervalSeconds ?? DEFAULT_INTERVAL_SECONDS;
  const backoff = retrier.BackoffRate ?? DEFAULT_BACKOFF_RATE;
  let seconds = interval * backoff ** (attempt - 1);
  if (retrier.MaxDelaySeconds !== undefined) seconds = Math.min(seconds, retrier.MaxDelaySeconds);
  const ms = seconds * 1000;
  return retrier.JitterStrategy === 'FULL' ? random() * ms : ms;
}

async function withTimeout<T>(
  work: (signal: AbortSignal) => Promise<T>,
  parentSignal: AbortSignal,
  timeout: { seconds: number; onClock?: VirtualClock } | undefined,
): Promise<T> {
  const attempt = new AbortController();
  const abortAttempt = () => attempt.abort(parentSignal.reason);
  parentSignal.addEventListener('abort', abortAttempt, { once: true });
  let timer: NodeJS.Timeout | undefined;
  const stopTimer = new AbortController();
  try {
    if (!timeout) return await work(attempt.signal);
    const timedOut = new Promise<never>((_, reject) => {
      const fail = () => {
        const error = new StatesTaskError('States.Timeout', `the task did not finish within ${timeout.seconds} seconds`);
        attempt.abort(error);
        reject(error);
      };
      if (timeout.onClock) {
        const end = new Date(timeout.onClock.now().getTime() + timeout.seconds * 1000);
        timeout.onClock.waitUntil(end, stopTimer.signal).then(fail, () => undefined);
      } else {
        timer = setTimeout(fail, timeout.seconds * 1000);
      }
    });
    return await Promise.race([work(attempt.signal), timedOut]);
  } finally {
    parentSignal.removeEventListener('abort', abortAttempt);
    if (timer) clearTimeout(timer);
    stopTimer.abort();
  }
}

/**
 * Runs one entry into a Task state: the handler, its timeout, and the state's Retry policy with
 * the pauses on the virtual clock. `onRetry` is told of each retry (Step Functions bills them as
 * state transitions). What is still failing after the retriers gives up is thrown for Catch.
 */
export async function runTaskWithRetries(options: {
  spec: LocalTaskSpec;
  attempt: (signal: AbortSignal) => Promise<unknown>;
  signal: AbortSignal;
  clock: VirtualClock;
  timeoutOnClock: boolean;
  onRetry: () => void;
}): Promise<unknown> {
  const { spec, signal, clock } = options;
  const attemptsPerRetrier = spec.retriers.map(() => 0);
  const timeout = spec.timeoutSeconds === undefined ? undefined : { seconds: spec.timeoutSeconds, ...(options.timeoutOnClock ? { onClock: clock } : {}) };
  for (;;) {
    try {
      return await withTimeout(options.attempt, signal, timeout);
    } catch (thrown) {
      const error = asNamedError(thrown);
      if (signal.aborted) throw error;
      // The first retrier naming the error decides, even when it has no attempts left (ASL rule).
      const index = spec.retriers.findIndex((retrier) => retrierMatches(retrier, error.name));
      const retrier = spec.retriers[index];
      if (!retrier) throw error;
      const used = attemptsPerRetrier[index] ?? 0;
      if (used >= (retrier.MaxAttempts ?? DEFAULT_MAX_ATTEMPTS)) throw error;
      attemptsPerRetrier[index] = used + 1;
      options.onRetry();
      await clock.waitUntil(new Date(clock.now().getTime() + retryDelayMs(retrier, used + 1)), signal);
    }
  }
}

/**
 * The local implementation of a rewritten Wait state: waits on the virtual clock until the wait's
 * end (from Seconds or Timestamp, literal or read through a path) and returns its input unchanged.
 */
export async function waitOnVirtualClock(parameters: unknown, clock: VirtualClock, signal: AbortSignal): Promise<unknown> {
  if (!isJsonObject(parameters)) throw new StatesTaskError('States.Runtime', 'the Wait state lost its parameters');
  const { Input: input, Seconds: seconds, Timestamp: timestamp } = parameters;
  let end: Date;
  if (seconds !== undefined) {
    if (typeof seconds !== 'number' || !Number.isInteger(seconds) || seconds < 0) {
      throw new StatesTaskError('States.Runtime', `a Wait's seconds must be a non-negative integer, got ${JSON.stringify(seconds)}`);
    }
    end = new Date(clock.now().getTime() + seconds * 1000);
  } else {
    end = new Date(typeof timestamp === 'string' ? timestamp : Number.NaN);
    if (typeof timestamp !== 'string' || Number.isNaN(end.getTime())) {
      throw new StatesTaskError('States.Runtime', `a Wait's timestamp must be an ISO 8601 date-time, got ${JSON.stringify(timestamp)}`);
    }
  }
  await clock.waitUntil(end, signal);
  return input;
}
