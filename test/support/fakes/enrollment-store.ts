import type {
  EnrollmentStore,
  EnrollOnceOutcome,
  EnrollOptions,
  EntryHistory,
  ReentryRefusal,
  ExitRecord,
  JourneyMember,
  StepRecord,
  UserJourneyRecords,
} from '../../../shared/domain/journeys';
import type { InMemoryJourneyStore } from './journey-store';

const userId = (member: JourneyMember) => member.userId;

/** Enrollment records in memory, writing members into the journey store fake like the one transaction does. */
export class InMemoryEnrollmentStore implements EnrollmentStore {
  readonly records = new Map<string, UserJourneyRecords>();
  /** Every member the store was asked to enroll, in order, including refused ones. */
  readonly enrollCalls: JourneyMember[] = [];
  /** The options of every enrollOnce call, in order. */
  readonly enrollOptions: EnrollOptions[] = [];

  constructor(private readonly journeys: InMemoryJourneyStore) {}

  async enrollOnce(
    journeyId: string,
    members: readonly JourneyMember[],
    _executionNameOf?: unknown,
    options: EnrollOptions = {},
  ): Promise<EnrollOnceOutcome[]> {
    this.enrollOptions.push(options);
    let list = this.journeys.members.get(journeyId);
    if (!list) this.journeys.members.set(journeyId, (list = new Map()));
    return members.map((member) => {
      this.enrollCalls.push(member);
      const existing = list.get(member.userId);
      if (existing) return { kind: 'already-enrolled', member: existing };
      list.set(member.userId, member);
      return { kind: 'enrolled', member };
    });
  }

  /** Entry histories by `journeyId/userId`, and refused entries counted by reason. */
  readonly histories = new Map<string, EntryHistory>();
  readonly refused: Array<{ journeyId: string; userId: string; reason: ReentryRefusal }> = [];

  async putStep(journeyId: string, userId: string, record: StepRecord): Promise<void> {
    const records = this.of(journeyId, userId);
    const sameStep = (step: StepRecord) => step.stepIndex === record.stepIndex && (step.entry ?? 1) === (record.entry ?? 1);
    records.steps = [...records.steps.filter((step) => !sameStep(step)), record].sort((a, b) => (a.entry ?? 1) - (b.entry ?? 1) || a.stepIndex - b.stepIndex);
  }

  async putExit(journeyId: string, userId: string, record: ExitRecord): Promise<void> {
    const records = this.of(journeyId, userId);
    records.exit = record;
    records.exits = [...(records.exits ?? []).filter((exit) => (exit.entry ?? 1) !== (record.entry ?? 1)), record];
  }

  async entryHistory(journeyId: string, userId: string): Promise<EntryHistory | undefined> {
    const history = this.histories.get(`${journeyId}/${userId}`);
    return history && { ...history };
  }

  async enter(journeyId: string, member: JourneyMember, entry: number, eventId: string): Promise<'entered' | 'changed'> {
    const key = `${journeyId}/${userId(member)}`;
    const history = this.histories.get(key);
    if ((history?.entries ?? 0) !== entry - 1) return 'changed';
    this.histories.set(key, { ...history, entries: entry, lastEnteredAt: member.enrolledAt, lastEntryEventId: eventId });
    let list = this.journeys.members.get(journeyId);
    if (!list) this.journeys.members.set(journeyId, (list = new Map()));
    list.set(member.userId, { ...member, ...(entry > 1 ? { entries: entry } : {}) });
    return 'entered';
  }

  async recordLeft(journeyId: string, userId: string, entry: number, at: Date): Promise<void> {
    const history = this.histories.get(`${journeyId}/${userId}`);
    if (history && history.entries === entry) this.histories.set(`${journeyId}/${userId}`, { ...history, lastExitAt: at.toISOString(), lastExitEntry: entry });
  }

  async refusedEntries(journeyId: string): Promise<Partial<Record<ReentryRefusal, number>>> {
    const refused: Partial<Record<ReentryRefusal, number>> = {};
    for (const entry of this.refused) if (entry.journeyId === journeyId) refused[entry.reason] = (refused[entry.reason] ?? 0) + 1;
    return refused;
  }

  async countRefusedEntry(journeyId: string, userId: string, reason: ReentryRefusal): Promise<void> {
    this.refused.push({ journeyId, userId, reason });
  }

  async recordsOf(journeyId: string, userIds: readonly string[]): Promise<Map<string, UserJourneyRecords>> {
    return new Map(userIds.map((userId) => [userId, this.of(journeyId, userId)]));
  }

  /** The records of one user in one journey (empty when none were written). */
  of(journeyId: string, userId: string): UserJourneyRecords {
    const key = `${journeyId}/${userId}`;
    let records = this.records.get(key);
    if (!records) this.records.set(key, (records = { steps: [] }));
    return records;
  }
}
