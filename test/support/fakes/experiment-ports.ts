import type {
  ContactFeedback,
  ContactFeedbackReader,
  ExperimentSnapshot,
  ExperimentSnapshotStore,
  MemberPages,
  RolloutAlerts,
  RolloutHaltAlert,
  RolloutState,
  RolloutStateStore,
} from '../../../shared/domain/experiments';
import type { JourneyMember } from '../../../shared/domain/journeys';
import type { InMemoryJourneyStore } from './journey-store';

/** Rollout states in memory, with the same conditional write as the DynamoDB store. */
export class InMemoryRolloutStateStore implements RolloutStateStore {
  readonly states = new Map<string, RolloutState>();

  async get(journeyId: string): Promise<RolloutState | undefined> {
    return this.states.get(journeyId);
  }

  async save(state: RolloutState, expectedHistory: number): Promise<boolean> {
    if ((this.states.get(state.journeyId)?.history.length ?? 0) !== expectedHistory) return false;
    this.states.set(state.journeyId, structuredClone(state));
    return true;
  }
}

/** Contact feedback set per user by the test; nothing happened by default. */
export class FakeContactFeedback implements ContactFeedbackReader {
  readonly byUser = new Map<string, ContactFeedback>();

  async feedbackSince(userId: string): Promise<ContactFeedback> {
    return this.byUser.get(userId) ?? { unsubscribed: false, complained: false, bounced: false };
  }
}

/** The alerts raised, in order, each halt (journey and moment) once, as the alert list keeps them. */
export class RecordingRolloutAlerts implements RolloutAlerts {
  readonly raised: RolloutHaltAlert[] = [];

  async halted(alert: RolloutHaltAlert): Promise<boolean> {
    if (this.raised.some((raised) => raised.journeyId === alert.journeyId && raised.at === alert.at)) return false;
    this.raised.push(alert);
    return true;
  }
}

/** Snapshots in memory, a later one never replaced by an earlier. */
export class InMemoryExperimentSnapshots implements ExperimentSnapshotStore {
  readonly snapshots = new Map<string, ExperimentSnapshot>();

  async latest(journeyId: string): Promise<ExperimentSnapshot | undefined> {
    return structuredClone(this.snapshots.get(journeyId));
  }

  async save(snapshot: ExperimentSnapshot): Promise<boolean> {
    const stored = this.snapshots.get(snapshot.journeyId);
    if (stored && stored.asOf >= snapshot.asOf) return false;
    this.snapshots.set(snapshot.journeyId, structuredClone(snapshot));
    return true;
  }
}

/** The fake journey store's members in pages over a few shards (by the user id's last character), in user id order. */
export class InMemoryMemberPages implements MemberPages {
  constructor(
    private readonly journeys: InMemoryJourneyStore,
    readonly shards = 3,
  ) {}

  async page(journeyId: string, shard: number, cursor: string | undefined, limit: number): Promise<{ members: JourneyMember[]; cursor: string | undefined }> {
    const all = (await this.journeys.listMembers(journeyId)).filter((member) => member.userId.charCodeAt(member.userId.length - 1) % this.shards === shard);
    const rest = cursor === undefined ? all : all.filter((member) => member.userId > cursor);
    const members = rest.slice(0, limit);
    return { members, cursor: rest.length > limit ? members.at(-1)!.userId : undefined };
  }
}
