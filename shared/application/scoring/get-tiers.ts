import { tierDistribution, type RunReader } from '../../domain/scoring-run';

/** The tier, RFM segment and quadrant distribution of the latest run; null before the first run. */
export async function latestTierDistribution(ports: { runs: RunReader }): Promise<ReturnType<typeof tierDistribution> | null> {
  const summary = await ports.runs.latestSummary();
  return summary ? tierDistribution(summary) : null;
}
