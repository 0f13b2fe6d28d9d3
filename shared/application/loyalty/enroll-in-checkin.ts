import { assertNever } from '../../domain/common';
import {
  DEFAULT_PROGRAM_ID,
  enrollInCheckinProgram,
  FUNNEL_ENROLLED,
  programReportOf,
  type CheckinProgramState,
  type LoyaltyPorts,
} from '../../domain/loyalty';
import { PROFILE_DEFAULTS } from '../../domain/profiles/user-profile';
import { definitionOf } from './check-in';

/** Result of an enrolment request. */
export type EnrollOutcome =
  { readonly kind: 'enrolled'; readonly state: CheckinProgramState } | { readonly kind: 'already-enrolled'; readonly state: CheckinProgramState | undefined };

/**
 * Enrols a user in a program (the 21-day check-in when none is named) once, in the time zone
 * given or else their profile's (else the default). A user can be in several different programs,
 * never twice in one: the state is created on condition that none exists for this user and
 * program, so of concurrent enrolments one wins and the others answer `already-enrolled` with the
 * state that won.
 * @throws NotFoundError for a program that is not configured.
 */
export async function enrollInCheckin(
  ports: Pick<LoyaltyPorts, 'programs' | 'profiles' | 'clock' | 'rules' | 'reportCounters'>,
  input: { readonly userId: string; readonly programId?: string | undefined; readonly timeZone?: string | undefined },
): Promise<EnrollOutcome> {
  const config = definitionOf(ports, input.programId ?? DEFAULT_PROGRAM_ID);
  const timeZone = input.timeZone ?? (await ports.profiles.getProfile(input.userId))?.timeZone ?? PROFILE_DEFAULTS.timeZone;
  const state = enrollInCheckinProgram({ userId: input.userId, timeZone, at: ports.clock.now(), config });
  const created = await ports.programs.create(state);
  switch (created) {
    case 'created':
      await ports.reportCounters.countOnce(input.userId, programReportOf(config.programId), FUNNEL_ENROLLED, new Date(state.enrolledAt));
      return { kind: 'enrolled', state };
    case 'already-enrolled':
      // A retry after a crash between the state and its count counts it now (once: the counter is per user).
      await ports.reportCounters.countOnce(input.userId, programReportOf(config.programId), FUNNEL_ENROLLED, ports.clock.now());
      return { kind: 'already-enrolled', state: (await ports.programs.load(input.userId, config.programId))?.state };
    default:
      return assertNever(created);
  }
}
