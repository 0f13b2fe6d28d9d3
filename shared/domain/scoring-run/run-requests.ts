/** What the API's start and read of a run take and answer (the use cases are in shared/application/scoring). */
import { z } from 'zod';
import type { ValidationProblem } from '../events/validate-batch';
import type { RunSummary } from './run-summary';

export const StartRunBody = z.strictObject({
  date: z.string().optional(),
  maxUsersPerInvocation: z.number().int().positive().optional(),
});

export type StartRunOutcome =
  { kind: 'started'; runId: string; date: string } | { kind: 'invalid'; problems: ValidationProblem[] } | { kind: 'too-many-reruns'; date: string };

/** How many runs one day may have (re-runs take the suffixes -r2 … -r50). */
export const MAX_RUNS_PER_DAY = 50;

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
