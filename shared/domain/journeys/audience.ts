/**
 * Audiences: which scored users a journey launch is aimed at. The filter is data (stored with the
 * launch, sent by the console); the matcher is a pure predicate, so preview and launch agree.
 */
import { z } from 'zod';
import { bandRange, churnRiskRangeMeets, CLV_BAND_EDGES, clvBandOf, rangeMeets } from './audience-bands';
import { JourneyChannel, RecallTier } from './journey-definition';

/** RFM segments, as slugs of the usual names. */
export const RfmSegment = z.enum([
  'champions',
  'loyal',
  'potential-loyalists',
  'new',
  'promising',
  'need-attention',
  'about-to-sleep',
  'at-risk',
  'cant-lose',
  'hibernating',
]);
export type RfmSegment = z.infer<typeof RfmSegment>;

/** Value–potential quadrants: current value × predicted future value. */
export const ValueQuadrant = z.enum(['star', 'cash-cow', 'question-mark', 'dog']);
export type ValueQuadrant = z.infer<typeof ValueQuadrant>;

const perChannel = z.object({ email: z.boolean(), sms: z.boolean(), push: z.boolean() });

/**
 * A user's nightly score as audiences judge it, exactly (the SCORE item nightly scoring writes).
 */
export const UserScore = z.object({
  userId: z.string().min(1),
  /** Null for a user who is not slipping and has no recall tier. */
  tier: RecallTier.nullable(),
  segment: RfmSegment,
  quadrant: ValueQuadrant,
  churnRisk: z.number().min(0).max(1),
  daysSilent: z.number().int().min(0),
  clv: z.number().min(0),
});
export type UserScore = z.infer<typeof UserScore>;

/** What a user lends an audience besides the score: locale, consents and the contact policy's flags. */
export const UserReach = z.object({
  locale: z.string().min(2),
  /** Consent given, per channel (implies a contact point on that channel). */
  consents: perChannel,
  /** Suppressed per channel after bounces or complaints. */
  suppressed: perChannel,
  /** Unsubscribed from all marketing. */
  unsubscribed: z.boolean(),
  /** Sunset after a final win-back: never marketed to again. */
  sunset: z.boolean(),
});
export type UserReach = z.infer<typeof UserReach>;

/**
 * A user an audience selected, as the audience index holds them: tier, segment, quadrant and days
 * silent as scored, CLV as its band (see audience-bands.ts), and the reach; no churn risk (it
 * moves every night). The store that selects judges the score criteria exactly (on the score
 * itself where the index does not settle them); what is left to judge here is the reach
 * ({@link matchesReach}).
 */
export const ScoredUser = UserScore.omit({ churnRisk: true, clv: true })
  .extend({ clvBand: z.number().int().min(0) })
  .extend(UserReach.shape);
export type ScoredUser = z.infer<typeof ScoredUser>;

/** A score as the audience index holds it: CLV as its band, no churn risk. */
export type BandedScore = Omit<ScoredUser, keyof UserReach>;

/** A score as the audience index holds it. */
export function bandedScoreOf({ churnRisk: _churnRisk, clv, ...score }: UserScore): BandedScore {
  return { ...score, clvBand: clvBandOf(clv) };
}

/** The selected user of an exact score and a reach: the score's values as their bands. */
export function scoredUserOf(score: UserScore, reach: UserReach): ScoredUser {
  return { ...bandedScoreOf(score), ...reach };
}

/** An inclusive range; either end may be left open. */
function inclusiveRange(bounds: z.ZodNumber) {
  return z
    .object({ min: bounds.optional(), max: bounds.optional() })
    .refine((range) => range.min === undefined || range.max === undefined || range.min <= range.max, {
      message: 'min must not exceed max',
      path: ['max'],
    });
}

/**
 * Who a launch is aimed at. Every criterion left out matches everyone; lists match any of their
 * values; ranges are inclusive; `requiredConsents` needs consent on every listed channel.
 */
export const AudienceFilter = z.object({
  tiers: z.array(RecallTier).min(1).optional(),
  segments: z.array(RfmSegment).min(1).optional(),
  quadrants: z.array(ValueQuadrant).min(1).optional(),
  churnRisk: inclusiveRange(z.number().min(0).max(1)).optional(),
  daysSilent: inclusiveRange(z.number().int().min(0)).optional(),
  clv: inclusiveRange(z.number().min(0)).optional(),
  locales: z.array(z.string().min(2)).min(1).optional(),
  requiredConsents: z.array(JourneyChannel).min(1).optional(),
});
export type AudienceFilter = z.infer<typeof AudienceFilter>;

function inRange(value: number, range: { min?: number | undefined; max?: number | undefined } | undefined): boolean {
  if (range === undefined) return true;
  return (range.min === undefined || value >= range.min) && (range.max === undefined || value <= range.max);
}

function inList<T>(value: T, list: readonly T[] | undefined): boolean {
  return list === undefined || list.includes(value);
}

/**
 * The criteria of an audience a score alone is judged on (no locale, no consents): data, so a
 * store may also narrow what it reads by them, before profiles are read for the candidates.
 */
export type ScoreCriteria = Omit<AudienceFilter, 'locales' | 'requiredConsents'>;

/** The filter's score-only criteria. */
export function scoreCriteriaOf(filter: AudienceFilter): ScoreCriteria {
  const { locales: _locales, requiredConsents: _consents, ...criteria } = filter;
  return criteria;
}

/** True when the score satisfies every score-only criterion. A user without a tier never matches a tier filter. */
export function matchesScoreCriteria(criteria: ScoreCriteria, score: UserScore): boolean {
  return (
    (criteria.tiers === undefined || (score.tier !== null && criteria.tiers.includes(score.tier))) &&
    inList(score.segment, criteria.segments) &&
    inList(score.quadrant, criteria.quadrants) &&
    inRange(score.churnRisk, criteria.churnRisk) &&
    inRange(score.daysSilent, criteria.daysSilent) &&
    inRange(score.clv, criteria.clv)
  );
}

/**
 * Whether a banded score meets the criteria: surely (`all`), surely not (`none`), or only the
 * exact score can tell (`some`: a CLV range ends inside the score's band, or a churn-risk range
 * leaves part of [0, 1] out).
 */
export function bandedScoreMeets(criteria: ScoreCriteria, score: BandedScore): 'all' | 'some' | 'none' {
  const lists =
    (criteria.tiers === undefined || (score.tier !== null && criteria.tiers.includes(score.tier))) &&
    inList(score.segment, criteria.segments) &&
    inList(score.quadrant, criteria.quadrants) &&
    inRange(score.daysSilent, criteria.daysSilent);
  if (!lists) return 'none';
  const clv = rangeMeets(criteria.clv, bandRange(CLV_BAND_EDGES, score.clvBand), false);
  const churnRisk = churnRiskRangeMeets(criteria.churnRisk);
  if (clv === 'none') return 'none';
  return clv === 'all' && churnRisk === 'all' ? 'all' : 'some';
}

/** True when the user's reach satisfies the filter's locale and consent criteria (the score criteria are the selecting store's). */
export function matchesReach(filter: Pick<AudienceFilter, 'locales' | 'requiredConsents'>, user: UserReach): boolean {
  return inList(user.locale, filter.locales) && (filter.requiredConsents ?? []).every((channel) => user.consents[channel]);
}

/** True when an exact score and reach satisfy every criterion of the filter. */
export function matchesAudience(filter: AudienceFilter, score: UserScore, reach: UserReach): boolean {
  return matchesScoreCriteria(filter, score) && matchesReach(filter, reach);
}
