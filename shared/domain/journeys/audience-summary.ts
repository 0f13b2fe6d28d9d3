/**
 * The nightly audience summary: scored users counted by every dimension an audience filters on
 * (tier, RFM segment, quadrant, locale, consents per channel, and bands of CLV, days silent and
 * churn risk), so a preview answers from a few items in well under a second at any population
 * size. A filter whose ranges fall on band edges is answered exactly (the holdout as its expected
 * share); a range inside a band is answered as an upper bound and says which criteria made it one.
 */
import { z } from 'zod';
import { RfmSegment, ValueQuadrant, type AudienceFilter, type ScoredUser } from './audience';
import { JOURNEY_CHANNELS, RecallTier, RECALL_TIERS, sendStepsOf, type JourneyDefinition } from './journey-definition';
import {
  DEFAULT_COST_ASSUMPTIONS,
  DEFAULT_COST_PRICES,
  priceLaunch,
  type CostAssumptions,
  type CostPrices,
  type JourneyLaunchPreview,
  type PerChannel,
  type PreviewTierKey,
  type TierPreview,
} from './launch-preview';

/** Lower edges of the CLV bands (currency units); the last band is open. */
export const CLV_BAND_EDGES = [0, 10, 50, 100, 250, 500, 1_000, 5_000] as const;
/** Lower edges of the days-silent bands: the recall tiers' own thresholds; the last band is open. */
export const DAYS_SILENT_BAND_EDGES = [0, 7, 14, 30, 90] as const;
/** Churn risk in tenths: band i is [i/10, (i+1)/10), the last one closed at 1. */
export const CHURN_RISK_BANDS = 10;

/** One cell of the summary: users sharing every dimension, and how many they are. */
export const AudienceCell = z.object({
  tier: RecallTier.nullable(),
  segment: RfmSegment,
  quadrant: ValueQuadrant,
  locale: z.string().min(2),
  consents: z.object({ email: z.boolean(), sms: z.boolean(), push: z.boolean() }),
  clvBand: z.number().int().min(0),
  daysSilentBand: z.number().int().min(0),
  churnRiskBand: z.number().int().min(0),
  count: z.number().int().min(1),
});
export type AudienceCell = z.infer<typeof AudienceCell>;

export const AudienceSummary = z.object({
  /** The scoring run's date the scores are of. */
  scoredOn: z.string().min(1),
  computedAt: z.iso.datetime(),
  users: z.number().int().min(0),
  cells: z.array(AudienceCell),
});
export type AudienceSummary = z.infer<typeof AudienceSummary>;

function bandOf(edges: readonly number[], value: number): number {
  let band = 0;
  for (let i = 0; i < edges.length; i++) if (value >= edges[i]!) band = i;
  return band;
}

/** The half-open range [low, high) of values a band holds. */
function bandRange(edges: readonly number[], band: number): { low: number; high: number } {
  return { low: edges[band]!, high: edges[band + 1] ?? Number.POSITIVE_INFINITY };
}

function churnRiskRange(band: number): { low: number; high: number } {
  // The last band holds 1 itself: its high end is just past it.
  return { low: band / CHURN_RISK_BANDS, high: band === CHURN_RISK_BANDS - 1 ? 1 + Number.EPSILON : (band + 1) / CHURN_RISK_BANDS };
}

/** Counts scored users into cells. */
export function summarizeAudience(users: Iterable<ScoredUser>, scoredOn: string, computedAt: Date): AudienceSummary {
  const cells = new Map<string, AudienceCell>();
  let count = 0;
  for (const user of users) {
    count += 1;
    const cell: AudienceCell = {
      tier: user.tier,
      segment: user.segment,
      quadrant: user.quadrant,
      locale: user.locale,
      consents: { ...user.consents },
      clvBand: bandOf(CLV_BAND_EDGES, user.clv),
      daysSilentBand: bandOf(DAYS_SILENT_BAND_EDGES, user.daysSilent),
      churnRiskBand: Math.min(CHURN_RISK_BANDS - 1, Math.floor(user.churnRisk * CHURN_RISK_BANDS)),
      count: 1,
    };
    const key = JSON.stringify({ ...cell, count: 0 });
    const existing = cells.get(key);
    if (existing) existing.count += 1;
    else cells.set(key, cell);
  }
  return { scoredOn, computedAt: computedAt.toISOString(), users: count, cells: [...cells.values()] };
}

type Range = { min?: number | undefined; max?: number | undefined } | undefined;

/** How a band of values [low, high) meets an inclusive filter range: wholly, partly or not at all. */
function rangeMeets(range: Range, band: { low: number; high: number }, integers: boolean): 'all' | 'some' | 'none' {
  if (range === undefined) return 'all';
  const min = range.min ?? Number.NEGATIVE_INFINITY;
  // For integers [low, high) is [low, high - 1]: an inclusive max of high - 1 covers the band.
  const max = range.max === undefined ? Number.POSITIVE_INFINITY : integers ? range.max + 1 : range.max;
  if (band.high <= min || band.low > (range.max ?? Number.POSITIVE_INFINITY)) return 'none';
  return band.low >= min && band.high <= max ? 'all' : 'some';
}

/** Whether every user of the cell matches the filter (`all`), only some may (`some`: a range inside a band), or none does. */
export function cellMatch(filter: AudienceFilter, cell: AudienceCell): { match: 'all' | 'some' | 'none'; inexact: string[] } {
  const listed = <T>(value: T, list: readonly T[] | undefined) => list === undefined || list.includes(value);
  const listsMatch =
    (filter.tiers === undefined || (cell.tier !== null && filter.tiers.includes(cell.tier))) &&
    listed(cell.segment, filter.segments) &&
    listed(cell.quadrant, filter.quadrants) &&
    listed(cell.locale, filter.locales) &&
    (filter.requiredConsents ?? []).every((channel) => cell.consents[channel]);
  if (!listsMatch) return { match: 'none', inexact: [] };
  const ranges = {
    clv: rangeMeets(filter.clv, bandRange(CLV_BAND_EDGES, cell.clvBand), false),
    daysSilent: rangeMeets(filter.daysSilent, bandRange(DAYS_SILENT_BAND_EDGES, cell.daysSilentBand), true),
    churnRisk: rangeMeets(filter.churnRisk, churnRiskRange(cell.churnRiskBand), false),
  };
  const meets = Object.values(ranges);
  if (meets.includes('none')) return { match: 'none', inexact: [] };
  const inexact = Object.entries(ranges)
    .filter(([, meet]) => meet === 'some')
    .map(([criterion]) => criterion);
  return { match: inexact.length > 0 ? 'some' : 'all', inexact };
}

/** A preview answered from the nightly summary: how fresh it is and whether its counts are exact. */
export interface SummaryLaunchPreview extends JourneyLaunchPreview {
  source: 'audience-summary';
  scoredOn: string;
  computedAt: string;
  ageHours: number;
  /** False when a range criterion falls inside a band: counts are then an upper bound. */
  exact: boolean;
  /** The range criteria that fall inside a band (ask for an exact count, or move them to a band edge). */
  inexactCriteria: string[];
}

/**
 * Previews a launch from the summary: the matched cells' users, reachable on one of the journey's
 * channels, the holdout as the journey's expected share (the stable hash needs the user ids), the
 * messages and the price. The summary knows nothing of current membership: `alreadyEnrolled` is 0
 * (a launch keeps existing members; the exact count sees them).
 */
export function previewFromSummary(
  definition: JourneyDefinition,
  filter: AudienceFilter,
  summary: AudienceSummary,
  now: Date,
  prices: CostPrices = DEFAULT_COST_PRICES,
  assumptions: CostAssumptions = DEFAULT_COST_ASSUMPTIONS,
): SummaryLaunchPreview {
  const sendSteps = sendStepsOf(definition.steps);
  const journeyChannels = new Set(sendSteps.flatMap((step) => step.channels));
  const perTier = Object.fromEntries(
    [...RECALL_TIERS, 'untiered' as const].map((tier) => [tier, { matched: 0, reachable: 0, alreadyEnrolled: 0, holdout: 0, treatment: 0 }]),
  ) as Record<PreviewTierKey, TierPreview>;
  const treatedByChannels = new Map<string, number>();
  const inexact = new Set<string>();
  let matched = 0;
  let unreachable = 0;
  for (const cell of summary.cells) {
    const { match, inexact: criteria } = cellMatch(filter, cell);
    if (match === 'none') continue;
    for (const criterion of criteria) inexact.add(criterion);
    const row = perTier[cell.tier ?? 'untiered'];
    matched += cell.count;
    row.matched += cell.count;
    const channels = JOURNEY_CHANNELS.filter((channel) => cell.consents[channel]);
    if (!channels.some((channel) => journeyChannels.has(channel))) {
      unreachable += cell.count;
      continue;
    }
    row.reachable += cell.count;
    treatedByChannels.set(channels.join('+'), (treatedByChannels.get(channels.join('+')) ?? 0) + cell.count);
  }
  const share = 1 - definition.holdoutShare;
  let holdout = 0;
  let treatment = 0;
  for (const row of Object.values(perTier)) {
    row.treatment = Math.round(row.reachable * share);
    row.holdout = row.reachable - row.treatment;
    holdout += row.holdout;
    treatment += row.treatment;
  }
  const messages: PerChannel<number> = { email: 0, sms: 0, push: 0 };
  for (const [channels, reachable] of treatedByChannels) {
    const consented = new Set(channels.split('+'));
    for (const step of sendSteps) for (const channel of step.channels) if (consented.has(channel)) messages[channel] += Math.round(reachable * share);
  }
  const priced = priceLaunch(definition, { enrolled: holdout + treatment, treatment, messages }, prices, assumptions);
  return {
    source: 'audience-summary',
    scoredOn: summary.scoredOn,
    computedAt: summary.computedAt,
    ageHours: Math.round(((now.getTime() - Date.parse(summary.computedAt)) / 3_600_000) * 10) / 10,
    exact: inexact.size === 0,
    inexactCriteria: [...inexact].sort(),
    journeyId: definition.id,
    matched,
    // The summary counts consents only: unsubscribes, sunsets and suppressions are the send path's.
    unreachable: { unsubscribed: 0, sunset: 0, 'no-reachable-channel': unreachable },
    reachable: holdout + treatment,
    alreadyEnrolled: 0,
    holdout,
    treatment,
    perTier,
    expectedMessages: { ...messages, total: messages.email + messages.sms + messages.push },
    ...priced,
  };
}
