import type { CreateJourneyOutcome, JourneyMember, JourneyStatus, JourneyStore, LaunchCounts, StoredJourney } from '../../../shared/domain/journeys';

/** Journeys and member lists in memory; `members` is shared with the enrollment store fake, as the tables are. */
export class InMemoryJourneyStore implements JourneyStore {
  readonly journeys = new Map<string, StoredJourney>();
  readonly members = new Map<string, Map<string, JourneyMember>>();
  /** Status changes that lose the race: the next `transition` calls answer false after applying these. */
  readonly concurrentChanges: JourneyStatus[] = [];

  async create(journey: StoredJourney): Promise<CreateJourneyOutcome> {
    const existing = this.journeys.get(journey.journeyId);
    if (existing) return { kind: 'exists', journey: structuredClone(existing) };
    this.journeys.set(journey.journeyId, structuredClone(journey));
    return { kind: 'created', journey };
  }

  async get(journeyId: string): Promise<StoredJourney | undefined> {
    const journey = this.journeys.get(journeyId);
    return journey && structuredClone(journey);
  }

  async list(): Promise<StoredJourney[]> {
    return [...this.journeys.values()].map((journey) => structuredClone(journey)).sort((a, b) => b.launchedAt.localeCompare(a.launchedAt));
  }

  async transition(journeyId: string, from: JourneyStatus, to: JourneyStatus, at: Date): Promise<boolean> {
    const journey = this.journeys.get(journeyId);
    const raced = this.concurrentChanges.shift();
    if (journey && raced !== undefined) journey.status = raced;
    if (!journey || journey.status !== from) return false;
    journey.status = to;
    journey.updatedAt = at.toISOString();
    return true;
  }

  async recordLaunch(journeyId: string, launch: LaunchCounts): Promise<void> {
    const journey = this.journeys.get(journeyId);
    if (journey) journey.launch = launch;
  }

  async beginLaunchAttempt(journeyId: string, from: number, to: number): Promise<boolean> {
    const journey = this.journeys.get(journeyId);
    if (!journey || (journey.launchAttempt ?? 1) !== from) return false;
    journey.launchAttempt = to;
    delete journey.launchFailure;
    return true;
  }

  async membersAmong(journeyId: string, userIds: readonly string[]): Promise<Set<string>> {
    const members = this.members.get(journeyId) ?? new Map();
    return new Set(userIds.filter((userId) => members.has(userId)));
  }

  async listMembers(journeyId: string): Promise<JourneyMember[]> {
    return [...(this.members.get(journeyId)?.values() ?? [])].sort((a, b) => a.userId.localeCompare(b.userId));
  }
}
