/**
 * The nightly audience summary: scored users counted by every dimension an audience filters on
 * (tier, RFM segment, quadrant, locale, consents per channel, and bands of CLV and days silent),
 * so a preview answers from a few items in well under a second at any population
 * size. A filter whose ranges fall on band edges is answered exactly (the holdout as its expected
 * share); a range inside a band is answered as an upper bound and says which criteria made it one.
 */
import { z } from 'zod';
import { RfmSegment, ValueQuadrant, type AudienceFilter, type ScoredUser } from './audience';
import { bandRange, CLV_BAND_EDGES, DAYS_SILENT_BAND_EDGES, daysSilentBandOf, churnRiskRangeMeets, rangeMeets } from './audience-bands';
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

/** One cell of the summary: users sharing every dimension, and how many they are. */
export const AudienceCell = z.object({
  tier: RecallTier.nullable(),
  segment: RfmSegment,
  quadrant: ValueQuadrant,
  locale: z.string().min(2),
  consents: z.object({ email: z.boolean(), sms: z.boolean(), push: z.boolean() }),
  clvBand: z.number().int().min(0),
  daysSilentBand: z.number().int().min(0),
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
      clvBand: user.clvBand,
      daysSilentBand: daysSilentBandOf(user.daysSilent),
      count: 1,
    };
    const key = JSON.stringify({ ...cell, count: 0 });
    const existing = cells.get(key);
    if (existing) existing.count += 1;
    else cells.set(key, cell);
  }
  return { scoredOn, computedAt: computedAt.toISOString(), users: count, cells: [...cells.values()] };
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
    // Churn risk has no band (it moves nightly): any range that leaves part of [0, 1] out is an upper bound.
    churnRisk: churnRiskRangeMeets(filter.churnRisk),
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
  /** The range criteria the summary cannot count exactly: one inside a band, or any churn-risk range (ask for an exact count, or move a range to a band edge). */
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
