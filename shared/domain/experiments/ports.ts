/**
 * The ports the experiments use cases run on; shared/adapters/experiments implements them over
 * DynamoDB and SNS, test/support/fakes in memory.
 */
import type { JourneyMember } from '../journeys/stored-journey';
import type { GuardrailBreach, RolloutState } from './rollout';
import type { ExperimentSnapshot } from './tally';

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

/** A rollout halted by a guardrail: people are told (the health alert list and the alarm topic), once per halt. */
export interface RolloutAlerts {
  /** Raises the halt's alert unless it was raised already (a halt is its journey and moment): false then. */
  halted(alert: RolloutHaltAlert): Promise<boolean>;
}

export interface RolloutHaltAlert {
  journeyId: string;
  stage: number;
  at: string;
  breaches: readonly GuardrailBreach[];
}

/** The last tally of each journey's experiments: what the variants report reads. */
export interface ExperimentSnapshotStore {
  latest(journeyId: string): Promise<ExperimentSnapshot | undefined>;
  /** Writes the snapshot unless a later one is stored already (evaluations may overlap); false then. */
  save(snapshot: ExperimentSnapshot): Promise<boolean>;
}

/** A journey's members one page of one shard at a time, so no invocation reads the whole population. */
export interface MemberPages {
  /** How many shards the members are spread over (0 … shards − 1). */
  readonly shards: number;
  page(journeyId: string, shard: number, cursor: string | undefined, limit: number): Promise<{ members: JourneyMember[]; cursor: string | undefined }>;
}
