import { matchesAudience, type AudienceFilter, type ScoredUser, type ScoreReader } from '../../domain/journeys';

/** A score passes every score-only criterion: locale and consents are judged once profiles are read. */
const ANY_PROFILE = { locale: 'any', consents: { email: true, sms: true, push: true }, suppressed: { email: false, sms: false, push: false }, unsubscribed: false, sunset: false };

/** Scored users matching the filter: score-only criteria first, then locale and consents from profiles. */
export async function findAudience(filter: AudienceFilter, ports: { scores: ScoreReader }): Promise<ScoredUser[]> {
  const { locales: _locales, requiredConsents: _consents, ...scoreOnly } = filter;
  const users = await ports.scores.scoredUsers((score) => matchesAudience(scoreOnly, { ...score, ...ANY_PROFILE }));
  return users.filter((user) => matchesAudience(filter, user));
}
