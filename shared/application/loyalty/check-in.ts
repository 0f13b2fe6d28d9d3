import { InvalidInputError, NotFoundError, assertNever } from '../../domain/common';
import {
  CheckinStateContentionError,
  DEFAULT_PROGRAM_ID,
  checkIn,
  funnelCountersOf,
  programNamed,
  programReportOf,
  summarizeCheckinProgram,
  type CheckInOutcome,
  type LoyaltyPorts,
  type ProgramDefinition,
} from '../../domain/loyalty';
import { sendProgramSummary } from './loyalty-messages';
import { grantRewards, type AppliedGrant, type GrantPorts } from './reward-grants';

/** The ports a check-in needs. */
export type CheckInPorts = GrantPorts & Pick<LoyaltyPorts, 'programs' | 'reportCounters'>;

/** A day's action's result: the rule's outcome plus what each grant did. */
export interface CheckInResult {
  readonly outcome: CheckInOutcome;
  readonly grantOutcomes: readonly AppliedGrant[];
}

const MAX_SAVE_ATTEMPTS = 5;

/** The configured program with this id. @throws NotFoundError naming the known programs when there is none. */
export function definitionOf(ports: Pick<LoyaltyPorts, 'rules'>, programId: string): ProgramDefinition {
  const definition = programNamed(ports.rules.programs, programId);
  if (definition) return definition;
  throw new NotFoundError(`no program ${programId} (programs: ${ports.rules.programs.map((program) => program.programId).join(', ')})`);
}

/**
 * The user did the program's daily action at `at` (a check-in request, or the program's event
 * as the raw-event stream delivered it). Loads the state, applies the rule, writes the grants,
 * then saves the state conditionally on its version. Grants go first so that a crash between the
 * two replays them (refused as already granted) instead of losing them. A version conflict means
 * a concurrent request moved the state: reload and re-decide, which normally answers
 * `already-checked-in-today`.
 *
 * Grants go through the one grant path, budget included: the daily points and streak bonuses are
 * ledger entries and the completion reward is points or a percent-off coupon, neither of which
 * costs the monthly budget. When the action completes the program, or reveals it can no longer be
 * completed, the summary goes out (once, by id).
 * @throws CheckinStateContentionError when the state kept changing for every attempt (retryable).
 */
export async function recordDailyAction(
  ports: CheckInPorts,
  input: { readonly userId: string; readonly definition: ProgramDefinition; readonly at: Date },
): Promise<CheckInResult> {
  const { definition: config, at } = input;
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
        // The funnel counts each user once per counter; a crash before this loses one count, never doubles one.
        for (const counter of funnelCountersOf(outcome)) await ports.reportCounters.countOnce(input.userId, programReportOf(config.programId), counter, at);
        if (outcome.state.status.kind === 'completed') await sendProgramSummary(ports, summarizeCheckinProgram(outcome.state, config));
        return { outcome, grantOutcomes };
      }
      default:
        return assertNever(outcome);
    }
  }
  throw new CheckinStateContentionError(input.userId, config.programId, MAX_SAVE_ATTEMPTS);
}

/**
 * A user checks in now, in the program named (the 21-day check-in when none is).
 * @throws NotFoundError for a program that is not configured.
 * @throws InvalidInputError naming `programId` for a program whose daily action is an event, not a check-in.
 * @throws CheckinStateContentionError when the state kept changing for every attempt (retryable).
 */
export async function checkInNow(ports: CheckInPorts, input: { readonly userId: string; readonly programId?: string | undefined }): Promise<CheckInResult> {
  const definition = definitionOf(ports, input.programId ?? DEFAULT_PROGRAM_ID);
  if (definition.dailyAction.kind !== 'checkin') {
    const { eventType, feature } = definition.dailyAction;
    throw new InvalidInputError(`program ${definition.programId} is not a check-in program`, [
      {
        index: null,
        path: 'programId',
        message: `${definition.programId} completes on ${eventType}${feature ? ` (${feature})` : ''} events, not check-ins`,
      },
    ]);
  }
  return recordDailyAction(ports, { userId: input.userId, definition, at: ports.clock.now() });
}
