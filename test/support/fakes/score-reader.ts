import {
  matchesScoreCriteria,
  scoredUserOf,
  type BranchScore,
  type ScanPage,
  type ScoreCriteria,
  type ScoredUser,
  type ScoredUsersPage,
  type ScoreReader,
  type UserReach,
  type UserScore,
} from '../../../shared/domain/journeys';

/** A user as a test states them: the exact score and the reach. */
export type ExactUser = UserScore & UserReach;

/** The user as an audience selects them (CLV and churn risk as bands). */
export function selectedUser({ locale, consents, suppressed, unsubscribed, sunset, ...score }: ExactUser): ScoredUser {
  return scoredUserOf(score, { locale, consents, suppressed, unsubscribed, sunset });
}

/**
 * Scored users in memory; the criteria judge the exact score, as the store does.
 * Pages: user i belongs to segment i mod totalSegments, `pageSize` of a segment's users a page.
 */
export class InMemoryScoreReader implements ScoreReader {
  /** Pages read, in order: what a resumed launch read again is visible here. */
  readonly pagesRead: ScanPage[] = [];

  constructor(
    readonly users: ExactUser[] = [],
    public pageSize = 10,
  ) {}

  async scoredUsers(criteria: ScoreCriteria): Promise<ScoredUser[]> {
    return this.users.filter((user) => matchesScoreCriteria(criteria, user)).map(selectedUser);
  }

  async scoreOf(userId: string): Promise<BranchScore | undefined> {
    const user = this.users.find((candidate) => candidate.userId === userId);
    return user && { tier: user.tier, segment: user.segment, quadrant: user.quadrant, churnRisk: user.churnRisk, clv: user.clv };
  }

  async scoredUsersPage(criteria: ScoreCriteria, page: ScanPage): Promise<ScoredUsersPage> {
    this.pagesRead.push(page);
    const ofSegment = this.users.filter((_, i) => i % page.totalSegments === page.segment);
    const from = page.cursor === null ? 0 : Number(page.cursor);
    const to = from + this.pageSize;
    return {
      users: ofSegment
        .slice(from, to)
        .filter((user) => matchesScoreCriteria(criteria, user))
        .map(selectedUser),
      cursor: to < ofSegment.length ? String(to) : null,
    };
  }
}
