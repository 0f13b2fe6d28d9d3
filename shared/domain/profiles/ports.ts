import type { StoredScore } from '../scoring-run/score-record';
import type { UserProfile } from './user-profile';

export interface ProfileStore {
  getProfile(userId: string): Promise<UserProfile | null>;
  putProfile(profile: UserProfile): Promise<void>;
}

/** Reads the nightly score of a user (written by the scoring workflow). */
export interface ScoreReader {
  getScore(userId: string): Promise<StoredScore | null>;
}
