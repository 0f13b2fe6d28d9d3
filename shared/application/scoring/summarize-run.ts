import type { Clock } from '../../domain/common';
import { mergeCounts, nightlyTransitions, type RunStore, type RunSummary, type SummarizeRequest } from '../../domain/scoring-run';

/** Adds up the segments, counts the run's transitions and duration, and stores the summary. */
export async function summarizeRun(request: SummarizeRequest, deps: { runs: RunStore; clock: Clock }): Promise<RunSummary> {
  const { prepared, segments } = request;
  const totals = mergeCounts(...segments.map((segment) => segment.counts));
  // PrepareRun's sample reads are part of the night's bill.
  totals.readUnits += prepared.sampleReadUnits;
  const finishedAt = deps.clock.now();
  const startedAt = new Date(prepared.startedAt);
  const summary: RunSummary = {
    runId: prepared.runId,
    date: prepared.date,
    paramsVersion: prepared.paramsVersion,
    refitted: prepared.refitted,
    totalSegments: prepared.totalSegments,
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    durationMs: Math.max(0, finishedAt.getTime() - startedAt.getTime()),
    stateTransitions: nightlyTransitions(prepared.totalSegments, totals.invocations),
    sampleReadUnits: prepared.sampleReadUnits,
    lambdaMemoryMb: segments[0]?.memoryMb ?? 0,
    totals,
  };
  await deps.runs.putSummary(summary);
  return summary;
}
