import type { EnrollmentStore, EnrollOnceOutcome, ExitRecord, JourneyMember, StepRecord, UserJourneyRecords } from '../../../shared/domain/journeys';
import type { InMemoryJourneyStore } from './journey-store';

/** Enrollment records in memory, writing members into the journey store fake like the one transaction does. */
export class InMemoryEnrollmentStore implements EnrollmentStore {
  readonly records = new Map<string, UserJourneyRecords>();
  /** Every member the store was asked to enroll, in order, including refused ones. */
  readonly enrollCalls: JourneyMember[] = [];

  constructor(private readonly journeys: InMemoryJourneyStore) {}

  async enrollOnce(journeyId: string, members: readonly JourneyMember[]): Promise<EnrollOnceOutcome[]> {
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

  async putStep(journeyId: string, userId: string, record: StepRecord): Promise<void> {
    const records = this.of(journeyId, userId);
    records.steps = [...records.steps.filter((step) => step.stepIndex !== record.stepIndex), record].sort((a, b) => a.stepIndex - b.stepIndex);
  }

  async putExit(journeyId: string, userId: string, record: ExitRecord): Promise<void> {
    this.of(journeyId, userId).exit = record;
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
