import type { ProfileStore } from '../../../shared/domain/profiles/ports';
import type { UserProfile } from '../../../shared/domain/profiles/user-profile';

export class InMemoryProfileStore implements ProfileStore {
  readonly profiles = new Map<string, UserProfile>();

  async getProfile(userId: string): Promise<UserProfile | null> {
    return structuredClone(this.profiles.get(userId) ?? null);
  }

  async putProfile(profile: UserProfile): Promise<void> {
    this.profiles.set(profile.userId, structuredClone(profile));
  }
}
