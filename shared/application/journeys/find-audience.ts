import { matchesAudience, type AudienceFilter, type ScoredUser, type ScoreReader, type UserScore } from '../../domain/journeys';

/** A score passes every score-only criterion: locale and consents are judged once profiles are read. */
const ANY_PROFILE = {
  locale: 'any',
  consents: { email: true, sms: true, push: true },
  suppressed: { email: false, sms: false, push: false },
  unsubscribed: false,
  sunset: false,
};

/** The filter's score-only criteria as a predicate on the score alone, so profiles are read only for candidates. */
export function scorePrefilter(filter: AudienceFilter): (score: UserScore) => boolean {
  const { locales: _locales, requiredConsents: _consents, ...scoreOnly } = filter;
  return (score) => matchesAudience(scoreOnly, { ...score, ...ANY_PROFILE });
}

/** Scored users matching the filter: score-only criteria first, then locale and consents from profiles. */
export async function findAudience(filter: AudienceFilter, ports: { scores: ScoreReader }): Promise<ScoredUser[]> {
  const users = await ports.scores.scoredUsers(scorePrefilter(filter));
  return users.filter((user) => matchesAudience(filter, user));
}
