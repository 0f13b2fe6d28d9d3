import type { AudienceSummary, AudienceSummaryStore, ScoringRuns } from '../../../shared/domain/journeys';

/** The latest audience summary in memory. */
export class InMemoryAudienceSummaryStore implements AudienceSummaryStore {
  summary: AudienceSummary | undefined;
  saves = 0;

  async latest(): Promise<AudienceSummary | undefined> {
    return this.summary && structuredClone(this.summary);
  }

  async save(summary: AudienceSummary): Promise<void> {
    this.summary = structuredClone(summary);
    this.saves += 1;
  }
}

/** Nightly scoring's latest finished run, as a test sets it. */
export class FakeScoringRuns implements ScoringRuns {
  latest: { date: string; finishedAt: string } | undefined;

  async latestFinished(): Promise<{ date: string; finishedAt: string } | undefined> {
    return this.latest;
  }
}
