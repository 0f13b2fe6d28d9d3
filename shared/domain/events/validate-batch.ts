import { BehaviourEvent, EventBatch } from './behaviour-event';
import { MS_PER_DAY, problemsFromZod, type Problem } from '../common';
export { problemsFromZod } from '../common';

/** One thing wrong with a batch: which event (`index`), which field (`path`), and why. */
export type ValidationProblem = Problem;

export interface EventTimeWindow {
  /** Events older than this many days are refused. */
  maxAgeDays: number;
  /** Events further in the future than this (clock skew allowance) are refused. */
  maxFutureSkewMs: number;
}

export type BatchValidation = { ok: true; events: BehaviourEvent[] } | { ok: false; problems: ValidationProblem[] };

/**
 * Validates a whole batch. Any invalid event rejects the batch: the caller writes nothing and
 * answers with every problem found, each naming the event's index and the field's path.
 */
export function validateEventBatch(body: unknown, now: Date, window: EventTimeWindow): BatchValidation {
  const batch = EventBatch.safeParse(body);
  if (!batch.success) {
    return { ok: false, problems: problemsFromZod(batch.error) };
  }
  const problems: ValidationProblem[] = [];
  const events: BehaviourEvent[] = [];
  const oldest = now.getTime() - window.maxAgeDays * MS_PER_DAY;
  const newest = now.getTime() + window.maxFutureSkewMs;
  batch.data.events.forEach((raw, index) => {
    const parsed = BehaviourEvent.safeParse(raw);
    if (!parsed.success) {
      problems.push(...problemsFromZod(parsed.error, '(root)', index));
      return;
    }
    const at = Date.parse(parsed.data.timestamp);
    if (at < oldest) problems.push({ index, path: 'timestamp', message: `is more than ${window.maxAgeDays} days old` });
    else if (at > newest)
      problems.push({ index, path: 'timestamp', message: `is more than ${Math.round(window.maxFutureSkewMs / 1000)} seconds in the future` });
    else events.push(parsed.data);
  });
  return problems.length > 0 ? { ok: false, problems } : { ok: true, events };
}
