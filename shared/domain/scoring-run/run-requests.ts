/**
 * Starting a run from the API and reading it back. A run is a Standard execution named after its
 * date, so a double click starts nothing twice; an explicit re-run of a finished day takes the
 * next free suffix.
 */
import { z } from 'zod';
import type { Clock } from '../common';
import { problemsFromZod, type ValidationProblem } from '../events/validate-batch';
import type { RunSummary } from './run-summary';
import { InvalidRunDateError, runDateOf, runExecutionName } from './run-date';

/** Starts executions of the nightly machine by name. */
export interface RunLauncher {
  /** 'exists' when an execution of that name exists with another input or has closed. */
  start(name: string, input: string): Promise<'started' | 'exists'>;
}

export const StartRunBody = z.strictObject({
  date: z.string().optional(),
  maxUsersPerInvocation: z.number().int().positive().optional(),
});

export type StartRunOutcome =
  | { kind: 'started'; runId: string; date: string }
  | { kind: 'invalid'; problems: ValidationProblem[] }
  | { kind: 'too-many-reruns'; date: string };

const MAX_RUNS_PER_DAY = 50;

export async function startScoringRun(body: unknown, deps: { launcher: RunLauncher; clock: Clock }): Promise<StartRunOutcome> {
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

/** The tier distribution a run left, for `GET /v1/tiers`. */
export function tierDistribution(summary: RunSummary) {
  return {
    runId: summary.runId,
    date: summary.date,
    users: summary.totals.usersScored,
    tiers: summary.totals.tiers,
    segments: summary.totals.segments,
    quadrants: summary.totals.quadrants,
  };
}
