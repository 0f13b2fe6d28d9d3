import type { LoyaltyProfiles } from '../../../shared/domain/loyalty';
import type { UserProfile } from '../../../shared/domain/profiles/user-profile';

/** Profiles in memory, keyed by user id; an unknown user has none. */
export class InMemoryLoyaltyProfiles implements LoyaltyProfiles {
  readonly profiles = new Map<string, UserProfile>();

  async getProfile(userId: string): Promise<UserProfile | null> {
    return this.profiles.get(userId) ?? null;
  }
}
