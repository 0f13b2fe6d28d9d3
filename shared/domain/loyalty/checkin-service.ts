import { assertNever } from '../common';
import type { CheckInOutcome, CheckinProgramConfig, CheckinProgramState } from './checkin-program';
import { CheckinProgramState as CheckinProgramStateSchema, checkIn, enrollInCheckinProgram } from './checkin-program';
import { CheckinStateContentionError } from './errors';
import type { RewardGrantOutcome, RewardPorts } from './rewards';
import { applyRewardGrants } from './rewards';

/** A stored program state and the version it was stored at. */
export interface VersionedCheckinState {
  readonly state: CheckinProgramState;
  readonly version: number;
}

/**
 * Check-in program states, one per user and program.
 *
 * DynamoDB adapter: item `pk = USER#<userId>`, `sk = PROGRAM#<programId>`. `create` puts with
 * `attribute_not_exists(pk)` (failure → `already-enrolled`); `save` puts with
 * `#version = :expectedVersion` and writes `version + 1` (failure → `version-conflict`).
 */
export interface CheckinProgramStore {
  load(userId: string, programId: string): Promise<VersionedCheckinState | undefined>;
  create(state: CheckinProgramState): Promise<'created' | 'already-enrolled'>;
  save(state: CheckinProgramState, expectedVersion: number): Promise<'saved' | 'version-conflict'>;
}

/** Result of an enrolment request. */
export type EnrollOutcome =
  | { readonly kind: 'enrolled'; readonly state: CheckinProgramState }
  | { readonly kind: 'already-enrolled'; readonly state: CheckinProgramState | undefined };

/** Enrols a user once; a repeated or concurrent enrolment answers `already-enrolled`. */
export async function enrollUser(
  programs: CheckinProgramStore,
  input: { readonly userId: string; readonly timeZone: string; readonly at: Date },
  config: CheckinProgramConfig,
): Promise<EnrollOutcome> {
  const state = enrollInCheckinProgram({ ...input, config });
  const created = await programs.create(state);
  switch (created) {
    case 'created':
      return { kind: 'enrolled', state };
    case 'already-enrolled':
      return { kind: 'already-enrolled', state: (await programs.load(input.userId, config.programId))?.state };
    default:
      return assertNever(created);
  }
}

/** A check-in request's result: the rule's outcome plus what each grant did. */
export interface CheckInResult {
  readonly outcome: CheckInOutcome;
  readonly grantOutcomes: readonly RewardGrantOutcome[];
}

const MAX_SAVE_ATTEMPTS = 5;

/**
 * Handles one check-in request: load the state, apply the rule, write the grants, then save
 * the state conditionally on its version. Grants go first so that a crash between the two
 * replays them (refused as already granted) instead of losing them. A version conflict means a
 * concurrent request moved the state: reload and re-decide, which normally answers
 * `already-checked-in-today`.
 * @throws CheckinStateContentionError when the state kept changing for every attempt.
 */
export async function performCheckIn(
  ports: RewardPorts & { readonly programs: CheckinProgramStore },
  input: { readonly userId: string; readonly at: Date },
  config: CheckinProgramConfig,
): Promise<CheckInResult> {
  for (let attempt = 1; attempt <= MAX_SAVE_ATTEMPTS; attempt += 1) {
    const stored = await ports.programs.load(input.userId, config.programId);
    const outcome = checkIn(stored?.state, input.at, config);
    switch (outcome.kind) {
      case 'not-enrolled':
      case 'not-started':
      case 'already-checked-in-today':
        return { outcome, grantOutcomes: [] };
      case 'program-ended': {
        // Record an end discovered here (a miss no evaluation has seen yet); a lost race is harmless.
        if (stored && stored.state.status.kind === 'active') await ports.programs.save(outcome.state, stored.version);
        return { outcome, grantOutcomes: [] };
      }
      case 'checked-in': {
        const grantOutcomes = await applyRewardGrants(outcome.grants, ports);
        // `stored` exists: `checkIn` answers not-enrolled without it.
        const saved = stored ? await ports.programs.save(outcome.state, stored.version) : 'version-conflict';
        if (saved === 'saved') return { outcome, grantOutcomes };
        continue;
      }
      default:
        return assertNever(outcome);
    }
  }
  throw new CheckinStateContentionError(input.userId, config.programId, MAX_SAVE_ATTEMPTS);
}

/** In-memory `CheckinProgramStore` for tests and the sandbox. */
export class InMemoryCheckinProgramStore implements CheckinProgramStore {
  private readonly states = new Map<string, VersionedCheckinState>();

  async load(userId: string, programId: string): Promise<VersionedCheckinState | undefined> {
    return this.states.get(keyOf(userId, programId));
  }

  async create(state: CheckinProgramState): Promise<'created' | 'already-enrolled'> {
    const valid = CheckinProgramStateSchema.parse(state);
    const key = keyOf(valid.userId, valid.programId);
    if (this.states.has(key)) return 'already-enrolled';
    this.states.set(key, { state: valid, version: 1 });
    return 'created';
  }

  async save(state: CheckinProgramState, expectedVersion: number): Promise<'saved' | 'version-conflict'> {
    const valid = CheckinProgramStateSchema.parse(state);
    const key = keyOf(valid.userId, valid.programId);
    const current = this.states.get(key);
    if (!current || current.version !== expectedVersion) return 'version-conflict';
    this.states.set(key, { state: valid, version: expectedVersion + 1 });
    return 'saved';
  }
}

function keyOf(userId: string, programId: string): string {
  return JSON.stringify([userId, programId]);
}
