/**
 * What the nightly job keeps per user, and how it decides what to write. Continuous quantities are
 * stored rounded (2 decimals) so that the slow nightly drift of a score does not rewrite every user
 * every night: an item is written only when what it says changes, which keeps the write bill
 * proportional to real change.
 */
import { z } from 'zod';
import { RECALL_TIERS, RFM_SEGMENTS, VALUE_QUADRANTS, type RecallTier, type UserScore } from '../models';

const Tier = z.enum([...RECALL_TIERS, 'active']);
const Rfm = z.number().int().min(1).max(5);

/**
 * What audience selection needs of a user's profile besides the score: the locale and the
 * channel consents, copied into the SCORE item by the night's run (as of the run, like the tier),
 * so that a launch or a count reads the scores alone. The send path still judges consents,
 * suppressions and unsubscribes as they are at each send.
 */
export const AudienceReach = z.object({
  locale: z.string().min(2),
  consents: z.object({ email: z.boolean(), sms: z.boolean(), push: z.boolean() }),
});
export type AudienceReach = z.infer<typeof AudienceReach>;

/** The stored score of a user (the SCORE item, without its keys). */
export const StoredScore = z.object({
  userId: z.string().min(1),
  tier: Tier,
  /** The run date on which the user entered this tier. */
  tierSince: z.iso.date(),
  /** The run date on which this item last changed. */
  scoredOn: z.iso.date(),
  recency: Rfm,
  frequency: Rfm,
  monetary: Rfm,
  segment: z.enum(RFM_SEGMENTS),
  quadrant: z.enum(VALUE_QUADRANTS),
  clvDecile: z.number().int().min(1).max(10).nullable(),
  highValue: z.boolean(),
  churnRisk: z.number().min(0).max(1),
  probabilityAlive: z.number().min(0).max(1).nullable(),
  expectedPurchases: z.number().min(0),
  expectedSpend: z.number().min(0).nullable(),
  clv: z.number(),
  /** The profile's reach as of the run; absent on items written before it was copied (or for a user without a profile). */
  reach: AudienceReach.optional(),
});
export type StoredScore = z.infer<typeof StoredScore>;

/**
 * Stored scores are bands, not raw floats: probabilities to the nearest 0.05 and money and
 * counts to two significant figures. A score item is rewritten only when its content changes, so
 * storing precision nobody acts on would rewrite most users every night (measured: 67% of items
 * at two decimals) and dominate the nightly cost. Deciles, quadrants and tiers are computed from
 * the unrounded values before banding.
 */
const toStep = (value: number, step: number) => (Number.isFinite(value) ? Math.round(value / step) * step : 0);
const probabilityBand = (value: number) => Math.round(toStep(value, 0.05) * 100) / 100;
const twoSignificant = (value: number) => (Number.isFinite(value) && value !== 0 ? Number(value.toPrecision(2)) : 0);

/** The fields that carry meaning; `tierSince` and `scoredOn` only record when they changed, `reach` is compared on its own. */
type ScoreContent = Omit<StoredScore, 'tierSince' | 'scoredOn' | 'reach'>;

function sameReach(left: AudienceReach | undefined, right: AudienceReach | undefined): boolean {
  if (left === undefined || right === undefined) return left === right;
  return (
    left.locale === right.locale &&
    left.consents.email === right.consents.email &&
    left.consents.sms === right.consents.sms &&
    left.consents.push === right.consents.push
  );
}

function contentOf(score: UserScore): ScoreContent {
  return {
    userId: score.userId,
    tier: score.tier,
    recency: score.recencyScore,
    frequency: score.frequencyScore,
    monetary: score.monetaryScore,
    segment: score.segment,
    quadrant: score.quadrant,
    clvDecile: score.clvDecile,
    highValue: score.highValue,
    churnRisk: probabilityBand(score.churnRisk),
    probabilityAlive: score.probabilityAlive === null ? null : probabilityBand(score.probabilityAlive),
    expectedPurchases: twoSignificant(score.expectedPurchases),
    expectedSpend: score.expectedSpend === null ? null : twoSignificant(score.expectedSpend),
    clv: twoSignificant(score.clv),
  };
}

function sameContent(left: ScoreContent, right: StoredScore): boolean {
  return (
    left.tier === right.tier &&
    left.recency === right.recency &&
    left.frequency === right.frequency &&
    left.monetary === right.monetary &&
    left.segment === right.segment &&
    left.quadrant === right.quadrant &&
    left.clvDecile === right.clvDecile &&
    left.highValue === right.highValue &&
    left.churnRisk === right.churnRisk &&
    left.probabilityAlive === right.probabilityAlive &&
    left.expectedPurchases === right.expectedPurchases &&
    left.expectedSpend === right.expectedSpend &&
    left.clv === right.clv
  );
}

/** A user's move between tiers, as published to the event bus. */
export interface TierChange {
  userId: string;
  /** null: the user had no score before. */
  from: RecallTier | null;
  to: RecallTier;
  date: string;
}

export type ScoreDecision = { kind: 'unchanged' } | { kind: 'write'; item: StoredScore; tierChange: TierChange | null };

/**
 * Compares a new score with the stored one. A tier change is reported when the tier differs; a
 * first score is reported only when it puts the user in a recall tier (a new active user is no
 * event anyone acts on). An unchanged score whose `reach` (the profile's locale and consents as
 * of this run) differs from the stored copy, or with `rewrite` (a stored item that lacks
 * attributes this version writes), is written again as it was, dates included, with the reach of
 * this run, and reports nothing.
 */
export function decideScoreWrite(
  score: UserScore,
  previous: StoredScore | null,
  runDate: string,
  options: { rewrite?: boolean; reach?: AudienceReach } = {},
): ScoreDecision {
  const content = contentOf(score);
  const reach = options.reach === undefined ? {} : { reach: options.reach };
  if (previous && sameContent(content, previous))
    return options.rewrite || !sameReach(options.reach, previous.reach)
      ? { kind: 'write', item: { ...content, tierSince: previous.tierSince, scoredOn: previous.scoredOn, ...reach }, tierChange: null }
      : { kind: 'unchanged' };
  const tierChanged = previous === null || previous.tier !== content.tier;
  const tierSince = tierChanged || !previous ? runDate : previous.tierSince;
  const item: StoredScore = { ...content, tierSince, scoredOn: runDate, ...reach };
  const reportable = previous !== null ? tierChanged : content.tier !== 'active';
  return { kind: 'write', item, tierChange: reportable ? { userId: score.userId, from: previous?.tier ?? null, to: content.tier, date: runDate } : null };
}
