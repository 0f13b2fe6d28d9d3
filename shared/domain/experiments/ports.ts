/**
 * The ports the experiments use cases run on; shared/adapters/experiments implements them over
 * DynamoDB and SNS, test/support/fakes in memory.
 */
import type { GuardrailBreach, RolloutState } from './rollout';

/** Each rolled-out journey's rollout state, beside the journey. */
export interface RolloutStateStore {
  get(journeyId: string): Promise<RolloutState | undefined>;
  /**
   * Writes the state only if the stored one still has `expectedHistory` events (0: none stored):
   * two evaluations at once cannot both advance a stage. False when it had changed.
   */
  save(state: RolloutState, expectedHistory: number): Promise<boolean>;
}

/** What happened to a contacted user's messages after a moment: the guardrails' signals. */
export interface ContactFeedback {
  unsubscribed: boolean;
  complained: boolean;
  bounced: boolean;
}

export interface ContactFeedbackReader {
  feedbackSince(userId: string, since: Date): Promise<ContactFeedback>;
}

/** A rollout halted by a guardrail: people are told (the alarm topic). */
export interface RolloutAlerts {
  halted(alert: { journeyId: string; stage: number; at: string; breaches: readonly GuardrailBreach[] }): Promise<void>;
}
