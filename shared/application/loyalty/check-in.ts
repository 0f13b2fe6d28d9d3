import { NotFoundError, assertNever } from '../../domain/common';
import { CheckinStateContentionError, checkIn, summarizeCheckinProgram, type CheckInOutcome, type LoyaltyPorts } from '../../domain/loyalty';
import { sendProgramSummary } from './loyalty-messages';
import { grantRewards, type AppliedGrant, type GrantPorts } from './reward-grants';

/** The ports a check-in needs. */
export type CheckInPorts = GrantPorts & Pick<LoyaltyPorts, 'programs'>;

/** A check-in request's result: the rule's outcome plus what each grant did. */
export interface CheckInResult {
  readonly outcome: CheckInOutcome;
  readonly grantOutcomes: readonly AppliedGrant[];
}

const MAX_SAVE_ATTEMPTS = 5;

/**
 * A user checks in now. Loads the state, applies the rule, writes the grants, then saves the
 * state conditionally on its version. Grants go first so that a crash between the two replays
 * them (refused as already granted) instead of losing them. A version conflict means a concurrent
 * request moved the state: reload and re-decide, which normally answers `already-checked-in-today`.
 *
 * Grants go through the one grant path, budget included: the daily points and streak bonuses are
 * ledger entries and the completion coupon is percent-off, neither of which costs the monthly
 * budget, so a spent budget never holds back a check-in reward (as before the budget existed).
 * When the check-in completes the program, or reveals it can no longer be completed, the summary
 * goes out (once, by id).
 * @throws NotFoundError for a program other than the configured check-in program.
 * @throws CheckinStateContentionError when the state kept changing for every attempt (retryable).
 */
export async function checkInNow(ports: CheckInPorts, input: { readonly userId: string; readonly programId?: string | undefined }): Promise<CheckInResult> {
  const config = ports.rules.checkin;
  if (input.programId !== undefined && input.programId !== config.programId) throw new NotFoundError(`no check-in program ${input.programId}`);
  const at = ports.clock.now();
  for (let attempt = 1; attempt <= MAX_SAVE_ATTEMPTS; attempt += 1) {
    const stored = await ports.programs.load(input.userId, config.programId);
    const outcome = checkIn(stored?.state, at, config);
    switch (outcome.kind) {
      case 'not-enrolled':
      case 'not-started':
      case 'already-checked-in-today':
        return { outcome, grantOutcomes: [] };
      case 'program-ended': {
        // Record an end discovered here (a miss no evaluation has seen yet); a lost race is harmless.
        if (stored && stored.state.status.kind === 'active') await ports.programs.save(outcome.state, stored.version);
        if (outcome.summary.outcome === 'completion-impossible') await sendProgramSummary(ports, outcome.summary);
        return { outcome, grantOutcomes: [] };
      }
      case 'checked-in': {
        const grantOutcomes = await grantRewards(ports, outcome.grants);
        // `stored` exists: `checkIn` answers not-enrolled without it.
        const saved = stored ? await ports.programs.save(outcome.state, stored.version) : 'version-conflict';
        if (saved !== 'saved') continue;
        if (outcome.state.status.kind === 'completed') await sendProgramSummary(ports, summarizeCheckinProgram(outcome.state, config));
        return { outcome, grantOutcomes };
      }
      default:
        return assertNever(outcome);
    }
  }
  throw new CheckinStateContentionError(input.userId, config.programId, MAX_SAVE_ATTEMPTS);
}
