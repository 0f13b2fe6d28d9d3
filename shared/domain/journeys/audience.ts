/**
 * Audiences: which scored users a journey launch is aimed at. The filter is data (stored with the
 * launch, sent by the console); the matcher is a pure predicate, so preview and launch agree.
 */
import { z } from 'zod';
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

/** A user as nightly scoring leaves them: what audiences filter on and the contact policy needs. */
export const ScoredUser = z.object({
  userId: z.string().min(1),
  /** Null for a user who is not slipping and has no recall tier. */
  tier: RecallTier.nullable(),
  segment: RfmSegment,
  quadrant: ValueQuadrant,
  churnRisk: z.number().min(0).max(1),
  daysSilent: z.number().int().min(0),
  clv: z.number().min(0),
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
export type ScoredUser = z.infer<typeof ScoredUser>;

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

/** A user's nightly scores, before the profile (locale, consents) is read. */
export type UserScore = Omit<ScoredUser, 'locale' | 'consents' | 'suppressed' | 'unsubscribed' | 'sunset'>;

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

/** True when the user satisfies every criterion of the filter. A user without a tier never matches a tier filter. */
export function matchesAudience(filter: AudienceFilter, user: ScoredUser): boolean {
  return (
    matchesScoreCriteria(filter, user) && inList(user.locale, filter.locales) && (filter.requiredConsents ?? []).every((channel) => user.consents[channel])
  );
}

/** The users of `users` that match the filter, in their original order. */
export function selectAudience(filter: AudienceFilter, users: Iterable<ScoredUser>): ScoredUser[] {
  const matched: ScoredUser[] = [];
  for (const user of users) if (matchesAudience(filter, user)) matched.push(user);
  return matched;
}
