/** Which day a run scores, and the execution names that make starts idempotent per day. */
import { z } from 'zod';
import { InvalidInputError } from '../common';

/** The requested run date is neither a calendar day nor an ISO 8601 timestamp. */
export class InvalidRunDateError extends InvalidInputError {
  override readonly name = 'InvalidRunDateError';
  constructor(message: string) {
    super(message, [{ index: null, path: 'date', message }]);
  }
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The run's as-of day (UTC): a YYYY-MM-DD as given, the UTC day of a timestamp (the scheduler's
 * `<aws.scheduler.scheduled-time>`: 02:00 Asia/Shanghai is 18:00 UTC, so the night of the 16th
 * in Shanghai scores as of the 15th UTC), or today (UTC) when nothing is given. Aggregates after
 * the day are ignored, so re-scoring a day gives the same answer.
 */
export function runDateOf(requested: string | undefined | null, now: Date): string {
  if (!requested) return now.toISOString().slice(0, 10);
  if (DAY.test(requested)) {
    const parsed = new Date(`${requested}T00:00:00Z`);
    if (Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== requested)
      throw new InvalidRunDateError(`date ${requested} is not a calendar day`);
    return requested;
  }
  const at = z.iso.datetime({ offset: true }).safeParse(requested);
  if (!at.success) throw new InvalidRunDateError(`date must be YYYY-MM-DD or an ISO 8601 timestamp, got ${requested}`);
  return new Date(requested).toISOString().slice(0, 10);
}

/** `scoring-2025-01-15`, then `scoring-2025-01-15-r2`, `-r3`… for re-runs of the same day. */
export function runExecutionName(date: string, attempt: number): string {
  return attempt <= 1 ? `scoring-${date}` : `scoring-${date}-r${attempt}`;
}
