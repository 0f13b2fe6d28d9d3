/**
 * Bands of the continuous scores audiences filter on: CLV and days silent. The audience summary
 * counts users by them, and the audience index holds a user's CLV as its band (not the value) so
 * that a change of the value does not rewrite the index entry: a CLV range is then judged on the
 * band where the band settles it, and on the score itself where the range's edge falls inside the
 * band. Churn risk has no band: it moves every night (a 0.05 step for a third of the users, across
 * a tenth for 15%, measured at 20,000 users), so a band of it would rewrite index entries nightly;
 * a churn-risk range is judged on the score.
 */

/** Lower edges of the CLV bands (currency units); the last band is open. */
export const CLV_BAND_EDGES = [0, 10, 50, 100, 250, 500, 1_000, 5_000] as const;
/** Lower edges of the days-silent bands: the recall tiers' own thresholds; the last band is open. */
export const DAYS_SILENT_BAND_EDGES = [0, 7, 14, 30, 90] as const;

type Range = { min?: number | undefined; max?: number | undefined } | undefined;

/** The band of `value` among bands with these lower edges (below the first edge: the first band). */
export function bandOf(edges: readonly number[], value: number): number {
  let band = 0;
  for (let i = 0; i < edges.length; i++) if (value >= edges[i]!) band = i;
  return band;
}

/** The half-open range [low, high) of values a band holds. */
export function bandRange(edges: readonly number[], band: number): { low: number; high: number } {
  return { low: edges[band]!, high: edges[band + 1] ?? Number.POSITIVE_INFINITY };
}

export const clvBandOf = (clv: number) => bandOf(CLV_BAND_EDGES, clv);
export const daysSilentBandOf = (days: number) => bandOf(DAYS_SILENT_BAND_EDGES, days);

/** How a churn-risk range meets the scores' [0, 1]: wholly, or only partly (a range lies within it, so never not at all). */
export function churnRiskRangeMeets(range: Range): 'all' | 'some' {
  return range === undefined || ((range.min ?? 0) <= 0 && (range.max ?? 1) >= 1) ? 'all' : 'some';
}

/** How a band of values [low, high) meets an inclusive filter range: wholly, partly or not at all. */
export function rangeMeets(range: Range, band: { low: number; high: number }, integers: boolean): 'all' | 'some' | 'none' {
  if (range === undefined) return 'all';
  const min = range.min ?? Number.NEGATIVE_INFINITY;
  // For integers [low, high) is [low, high - 1]: an inclusive max of high - 1 covers the band.
  const max = range.max === undefined ? Number.POSITIVE_INFINITY : integers ? range.max + 1 : range.max;
  if (band.high <= min || band.low > (range.max ?? Number.POSITIVE_INFINITY)) return 'none';
  return band.low >= min && band.high <= max ? 'all' : 'some';
}
