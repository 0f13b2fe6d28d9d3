import type { Clock } from '../common';
import { summarizeActivity, type ActivitySummary } from '../events/daily-activity';
import type { DailyActivityStore } from '../events/ports';
import { problemsFromZod, type ValidationProblem } from '../events/validate-batch';
import type { ProfileStore } from './ports';
import type { StoredScore } from '../scoring-run/score-record';
import { applyProfileUpdate, ProfileUpdate, UserId, type UserProfile } from './user-profile';

export type UpsertProfileOutcome =
  | { kind: 'saved'; created: boolean; profile: UserProfile }
  | { kind: 'invalid'; problems: ValidationProblem[] };

/** Creates or updates a profile from a validated update; bad input changes nothing. */
export async function upsertProfile(userId: string, body: unknown, deps: { profiles: ProfileStore; clock: Clock }): Promise<UpsertProfileOutcome> {
  const id = UserId.safeParse(userId);
  if (!id.success) return { kind: 'invalid', problems: problemsFromZod(id.error).map((p) => ({ ...p, path: 'userId' })) };
  const update = ProfileUpdate.safeParse(body);
  if (!update.success) return { kind: 'invalid', problems: problemsFromZod(update.error) };
  const current = await deps.profiles.getProfile(id.data);
  const profile = applyProfileUpdate(id.data, current, update.data, deps.clock.now());
  await deps.profiles.putProfile(profile);
  return { kind: 'saved', created: current === null, profile };
}

/** Reads the nightly score of a user (written by the scoring workflow). */
export interface ScoreReader {
  getScore(userId: string): Promise<StoredScore | null>;
}

export type GetUserOutcome =
  | { kind: 'found'; profile: UserProfile | null; activity: ActivitySummary; score: StoredScore | null }
  | { kind: 'not-found' }
  | { kind: 'invalid'; problems: ValidationProblem[] };

/** A user's profile with the activity summary computed from daily aggregates. */
export async function getUser(
  userId: string,
  deps: { profiles: ProfileStore; activity: DailyActivityStore; scores: ScoreReader; clock: Clock },
): Promise<GetUserOutcome> {
  const id = UserId.safeParse(userId);
  if (!id.success) return { kind: 'invalid', problems: problemsFromZod(id.error).map((p) => ({ ...p, path: 'userId' })) };
  const [profile, days, score] = await Promise.all([deps.profiles.getProfile(id.data), deps.activity.listForUser(id.data), deps.scores.getScore(id.data)]);
  if (!profile && days.length === 0) return { kind: 'not-found' };
  return { kind: 'found', profile, activity: summarizeActivity(days, deps.clock.now()), score };
}
