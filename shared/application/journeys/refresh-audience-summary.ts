import { utcDayOf, type Clock } from '../../domain/common';
import { summarizeAudience, type AudienceSummaryStore, type ScoreReader, type ScoringRuns } from '../../domain/journeys';

export interface RefreshSummaryPorts {
  clock: Clock;
  scores: Pick<ScoreReader, 'scoredUsers'>;
  summaries: AudienceSummaryStore;
  scoringRuns: ScoringRuns;
}

export type RefreshSummaryOutcome =
  { kind: 'refreshed'; scoredOn: string; users: number; cells: number } | { kind: 'current'; scoredOn: string } | { kind: 'no-scoring-run' };

/**
 * Recomputes the audience summary from the scores once a nightly scoring run has finished since
 * the last summary (or when asked to: `force`); otherwise leaves it. Before the first scoring run
 * there is no summary, and previews count from the scores. Runs
 * hourly from a schedule, so the summary follows each night's scores within the hour, without a
 * hook inside the scoring workflow. Reads every score once, like a launch.
 */
export async function refreshAudienceSummary(ports: RefreshSummaryPorts, options: { force?: boolean } = {}): Promise<RefreshSummaryOutcome> {
  const [current, run] = await Promise.all([ports.summaries.latest(), ports.scoringRuns.latestFinished()]);
  if (!options.force && (run === undefined || (current !== undefined && run.finishedAt <= current.computedAt))) {
    return current ? { kind: 'current', scoredOn: current.scoredOn } : { kind: 'no-scoring-run' };
  }
  const now = ports.clock.now();
  const summary = summarizeAudience(await ports.scores.scoredUsers({}), run?.date ?? utcDayOf(now), now);
  await ports.summaries.save(summary);
  return { kind: 'refreshed', scoredOn: summary.scoredOn, users: summary.users, cells: summary.cells.length };
}
