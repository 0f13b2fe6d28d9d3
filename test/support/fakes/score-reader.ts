import type { ScoredUser, ScoreReader, UserScore } from '../../../shared/domain/journeys';

/** Scored users in memory; the prefilter sees the score alone, as it does before profiles are read. */
export class InMemoryScoreReader implements ScoreReader {
  constructor(readonly users: ScoredUser[] = []) {}

  async scoredUsers(prefilter: (score: UserScore) => boolean): Promise<ScoredUser[]> {
    return this.users.filter(({ locale: _l, consents: _c, suppressed: _s, unsubscribed: _u, sunset: _x, ...score }) => prefilter(score));
  }
}
