import { matchesReach, scoreCriteriaOf, type AudienceFilter, type ScoredUser, type ScoreReader } from '../../domain/journeys';

/** Scored users matching the filter: the store selects by the score criteria, then locale and consents are judged. */
export async function findAudience(filter: AudienceFilter, ports: { scores: ScoreReader }): Promise<ScoredUser[]> {
  const users = await ports.scores.scoredUsers(scoreCriteriaOf(filter));
  return users.filter((user) => matchesReach(filter, user));
}
