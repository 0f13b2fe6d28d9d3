import { problemsFromZod, type Clock, type Problem } from '../../domain/common';
import type { ProfileStore } from '../../domain/profiles/ports';
import { applyProfileUpdate, ProfileUpdate, UserId, type UserProfile } from '../../domain/profiles/user-profile';

export type UpsertProfileOutcome = { kind: 'saved'; created: boolean; profile: UserProfile } | { kind: 'invalid'; problems: Problem[] };

export interface UpsertProfilePorts {
  profiles: ProfileStore;
  clock: Clock;
}

/**
 * Creates or updates a profile from a validated update; bad input changes nothing. The body's
 * `timeZone` may also be spelled `timezone` (the alias the API first accepted); both, disagreeing,
 * is a problem naming `timeZone`.
 */
export async function upsertProfile(userId: string, body: unknown, ports: UpsertProfilePorts): Promise<UpsertProfileOutcome> {
  const id = UserId.safeParse(userId);
  if (!id.success) return { kind: 'invalid', problems: problemsFromZod(id.error).map((p) => ({ ...p, path: 'userId' })) };
  const update = ProfileUpdate.safeParse(body);
  if (!update.success) return { kind: 'invalid', problems: problemsFromZod(update.error) };
  const current = await ports.profiles.getProfile(id.data);
  const profile = applyProfileUpdate(id.data, current, update.data, ports.clock.now());
  await ports.profiles.putProfile(profile);
  return { kind: 'saved', created: current === null, profile };
}
