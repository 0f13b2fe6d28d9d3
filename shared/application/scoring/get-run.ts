import type { RunLauncher, RunReader, RunSummary } from '../../domain/scoring-run';

/** A run as `GET /v1/scoring/runs/{runId}` shows it. */
export interface RunView {
  runId: string;
  status: string;
  date: string | null;
  error: string | null;
  cause: string | null;
  progress: { totalSegments: number | null; segmentsDone: number; usersScored: number; estimatedUsers: number | null };
  summary: RunSummary | null;
}

/** The latest finished run, or nothing when no run has finished yet. */
export async function getLatestRun(ports: { runs: RunReader }): Promise<{ runId: string; status: 'SUCCEEDED'; summary: RunSummary } | null> {
  const summary = await ports.runs.latestSummary();
  return summary ? { runId: summary.runId, status: 'SUCCEEDED', summary } : null;
}

/**
 * One run's status (the execution's, or SUCCEEDED once its summary is stored), progress per
 * segment and summary; null when neither the state machine nor the store knows the run.
 */
export async function getScoringRun(runId: string, ports: { launcher: Pick<RunLauncher, 'describe'>; runs: RunReader }): Promise<RunView | null> {
  const [execution, record] = await Promise.all([ports.launcher.describe(runId), ports.runs.getRun(runId)]);
  if (!execution && !record.prepared) return null;
  return {
    runId,
    status: execution?.status ?? (record.summary ? 'SUCCEEDED' : 'UNKNOWN'),
    date: record.prepared?.date ?? null,
    error: execution?.error ?? null,
    cause: execution?.cause ?? null,
    progress: {
      totalSegments: record.prepared?.totalSegments ?? null,
      segmentsDone: record.segments.filter((segment) => segment.done).length,
      usersScored: record.segments.reduce((sum, segment) => sum + segment.counts.usersScored, 0),
      estimatedUsers: record.prepared?.estimatedUsers ?? null,
    },
    summary: record.summary,
  };
}
