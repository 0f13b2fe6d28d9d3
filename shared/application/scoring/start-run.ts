import type { Clock } from '../../domain/common';
import { problemsFromZod } from '../../domain/events/validate-batch';
import {
  InvalidRunDateError,
  MAX_RUNS_PER_DAY,
  runDateOf,
  runExecutionName,
  StartRunBody,
  type RunLauncher,
  type StartRunOutcome,
} from '../../domain/scoring-run';

/**
 * Starts the nightly machine for a day from the API. A run is a Standard execution named after its
 * date, so a double click starts nothing twice; an explicit re-run of a finished day takes the
 * next free suffix.
 */
export async function startScoringRun(body: unknown, deps: { launcher: Pick<RunLauncher, 'start'>; clock: Clock }): Promise<StartRunOutcome> {
  const parsed = StartRunBody.safeParse(body ?? {});
  if (!parsed.success) return { kind: 'invalid', problems: problemsFromZod(parsed.error) };
  let date: string;
  try {
    date = runDateOf(parsed.data.date, deps.clock.now());
  } catch (error) {
    if (error instanceof InvalidRunDateError) return { kind: 'invalid', problems: [{ index: null, path: 'date', message: error.message }] };
    throw error;
  }
  const input = JSON.stringify({ ...parsed.data, date });
  for (let attempt = 1; attempt <= MAX_RUNS_PER_DAY; attempt += 1) {
    const name = runExecutionName(date, attempt);
    if ((await deps.launcher.start(name, input)) === 'started') return { kind: 'started', runId: name, date };
  }
  return { kind: 'too-many-reruns', date };
}
