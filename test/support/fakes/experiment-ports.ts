import type { ContactFeedback, ContactFeedbackReader, RolloutAlerts, RolloutState, RolloutStateStore } from '../../../shared/domain/experiments';

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

/** The alerts raised, in order. */
export class RecordingRolloutAlerts implements RolloutAlerts {
  readonly raised: Parameters<RolloutAlerts['halted']>[0][] = [];

  async halted(alert: Parameters<RolloutAlerts['halted']>[0]): Promise<void> {
    this.raised.push(alert);
  }
}
