import type { UserProfile } from './user-profile';

export interface ProfileStore {
  getProfile(userId: string): Promise<UserProfile | null>;
  putProfile(profile: UserProfile): Promise<void>;
}
