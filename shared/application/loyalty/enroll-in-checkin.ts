import { assertNever } from '../../domain/common';
import { enrollInCheckinProgram, type CheckinProgramState, type LoyaltyPorts } from '../../domain/loyalty';
import { PROFILE_DEFAULTS } from '../../domain/profiles/user-profile';

/** Result of an enrolment request. */
export type EnrollOutcome =
  { readonly kind: 'enrolled'; readonly state: CheckinProgramState } | { readonly kind: 'already-enrolled'; readonly state: CheckinProgramState | undefined };

/**
 * Enrols a user in the check-in program once, in the time zone given or else their profile's
 * (else the default); a repeated or concurrent enrolment answers `already-enrolled` with the
 * state that won.
 */
export async function enrollInCheckin(
  ports: Pick<LoyaltyPorts, 'programs' | 'profiles' | 'clock' | 'rules'>,
  input: { readonly userId: string; readonly timeZone?: string | undefined },
): Promise<EnrollOutcome> {
  const config = ports.rules.checkin;
  const timeZone = input.timeZone ?? (await ports.profiles.getProfile(input.userId))?.timeZone ?? PROFILE_DEFAULTS.timeZone;
  const state = enrollInCheckinProgram({ userId: input.userId, timeZone, at: ports.clock.now(), config });
  const created = await ports.programs.create(state);
  switch (created) {
    case 'created':
      return { kind: 'enrolled', state };
    case 'already-enrolled':
      return { kind: 'already-enrolled', state: (await ports.programs.load(input.userId, config.programId))?.state };
    default:
      return assertNever(created);
  }
}
