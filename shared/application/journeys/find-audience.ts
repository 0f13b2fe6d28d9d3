import { matchesAudience, scoreCriteriaOf, type AudienceFilter, type ScoredUser, type ScoreReader } from '../../domain/journeys';

/** Scored users matching the filter: score-only criteria first, then locale and consents from profiles. */
export async function findAudience(filter: AudienceFilter, ports: { scores: ScoreReader }): Promise<ScoredUser[]> {
  const users = await ports.scores.scoredUsers(scoreCriteriaOf(filter));
  return users.filter((user) => matchesAudience(filter, user));
}
