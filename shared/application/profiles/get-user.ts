import { problemsFromZod, type Clock, type Problem } from '../../domain/common';
import { summarizeActivity, type ActivitySummary } from '../../domain/events/daily-activity';
import type { DailyActivityStore } from '../../domain/events/ports';
import type { ProfileStore, ScoreReader } from '../../domain/profiles/ports';
import { UserId, type UserProfile } from '../../domain/profiles/user-profile';
import type { StoredScore } from '../../domain/scoring-run/score-record';

export type GetUserOutcome =
  | { kind: 'found'; profile: UserProfile | null; activity: ActivitySummary; score: StoredScore | null }
  | { kind: 'not-found' }
  | { kind: 'invalid'; problems: Problem[] };

export interface GetUserPorts {
  profiles: ProfileStore;
  activity: DailyActivityStore;
  scores: ScoreReader;
  clock: Clock;
}

/** A user's profile with the activity summary computed from daily aggregates and the latest score. */
export async function getUser(userId: string, ports: GetUserPorts): Promise<GetUserOutcome> {
  const id = UserId.safeParse(userId);
  if (!id.success) return { kind: 'invalid', problems: problemsFromZod(id.error).map((p) => ({ ...p, path: 'userId' })) };
  const [profile, days, score] = await Promise.all([ports.profiles.getProfile(id.data), ports.activity.listForUser(id.data), ports.scores.getScore(id.data)]);
  if (!profile && days.length === 0) return { kind: 'not-found' };
  return { kind: 'found', profile, activity: summarizeActivity(days, ports.clock.now()), score };
}
