import { CheckinProgramState, type CheckinProgramStore, type DueWakeUp, type DueWakeUpPage, type StoredCheckinProgram } from '../../../shared/domain/loyalty';

/**
 * `CheckinProgramStore` in memory, versioned like the adapter. Wake-ups are not indexed (the
 * sweep finds nothing due) unless a test lists them with `wakeUpsDue`. `conflictNextSaves`
 * makes the next saves lose a race, as a concurrent writer would.
 */
export class InMemoryCheckinProgramStore implements CheckinProgramStore {
  readonly wakeShards = 1;
  private readonly states = new Map<string, StoredCheckinProgram>();
  /** Due wake-ups the sweep reads (shard 0). */
  wakeUpsDue: DueWakeUp[] = [];
  /** How many of the next saves answer `version-conflict` whatever the version. */
  conflictNextSaves = 0;

  async load(userId: string, programId: string): Promise<StoredCheckinProgram | undefined> {
    return this.states.get(keyOf(userId, programId));
  }

  async create(state: CheckinProgramState): Promise<'created' | 'already-enrolled'> {
    const valid = CheckinProgramState.parse(state);
    const key = keyOf(valid.userId, valid.programId);
    if (this.states.has(key)) return 'already-enrolled';
    this.states.set(key, { state: valid, version: 1, wakeAt: undefined });
    return 'created';
  }

  async save(state: CheckinProgramState, expectedVersion: number): Promise<'saved' | 'version-conflict'> {
    const valid = CheckinProgramState.parse(state);
    const key = keyOf(valid.userId, valid.programId);
    const current = this.states.get(key);
    if (this.conflictNextSaves > 0) {
      this.conflictNextSaves -= 1;
      return 'version-conflict';
    }
    if (!current || current.version !== expectedVersion) return 'version-conflict';
    this.states.set(key, { state: valid, version: expectedVersion + 1, wakeAt: undefined });
    return 'saved';
  }

  async programsOf(userId: string): Promise<readonly StoredCheckinProgram[]> {
    return [...this.states.values()].filter((stored) => stored.state.userId === userId);
  }

  async dueWakeUps(shard: number, now: Date, limit: number, cursor?: string): Promise<DueWakeUpPage> {
    if (shard !== 0) return { wakeUps: [], cursor: undefined };
    // The cursor is the position after the last wake-up handed out, as text (like the adapter's).
    const from = cursor === undefined ? 0 : Number(cursor);
    const due = this.wakeUpsDue.filter((wake) => wake.wakeAt <= now.toISOString());
    const page = due.slice(from, from + limit);
    return { wakeUps: page, cursor: from + limit < due.length ? String(from + limit) : undefined };
  }
}

function keyOf(userId: string, programId: string): string {
  return JSON.stringify([userId, programId]);
}
