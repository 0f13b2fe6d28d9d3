import type { BehaviourEvent } from '../../../shared/domain/events/behaviour-event';
import type {
  KillSwitchState,
  KillSwitchStore,
  MessageLogEntry,
  MessageOutcomeFact,
  MessageOutcomeRecorder,
  MessageQueries,
  OutboxMessage,
  ProviderReceipt,
  SuppressionEntry,
  SuppressionWriter,
} from '../../../shared/domain/messaging';

/** Suppressions keyed as the DynamoDB adapter keys them: a repeat keeps the first entry. */
export class InMemorySuppressions implements SuppressionWriter {
  readonly entries: SuppressionEntry[] = [];

  async add(entry: SuppressionEntry): Promise<boolean> {
    const key = (e: SuppressionEntry) =>
      e.kind === 'hard-bounce' ? `bounce:${e.contactPointFingerprint}` : `${e.kind}:${e.userId}:${'channel' in e ? e.channel : ''}`;
    if (this.entries.some((existing) => key(existing) === key(entry))) return false;
    this.entries.push(entry);
    return true;
  }
}

/** The raw-event store's write side. */
export class InMemoryRawEvents {
  readonly events: BehaviourEvent[] = [];

  /** Idempotent by event id, as the DynamoDB store is. */
  async putAll(events: readonly BehaviourEvent[]): Promise<void> {
    for (const event of events) {
      if (!this.events.some((existing) => existing.eventId === event.eventId)) this.events.push(event);
    }
  }
}

export class InMemoryProviderReceipts {
  readonly receipts = new Map<string, ProviderReceipt>();

  async record(receipt: ProviderReceipt): Promise<void> {
    this.receipts.set(receipt.messageId, receipt);
  }
}

export class InMemoryKillSwitch implements KillSwitchStore {
  state: KillSwitchState = { active: false };
  readonly writes: Array<{ state: KillSwitchState; at: Date }> = [];

  async read(): Promise<KillSwitchState> {
    return this.state;
  }

  async write(state: KillSwitchState, at: Date): Promise<void> {
    this.state = state;
    this.writes.push({ state, at });
  }
}

/** The message log's read side, over entries and outbox items a test puts in. */
export class InMemoryMessageQueries implements MessageQueries {
  readonly entries: MessageLogEntry[] = [];
  readonly outbox: OutboxMessage[] = [];

  async listForUser(userId: string, limit: number): Promise<MessageLogEntry[]> {
    return this.entries
      .filter((entry) => entry.userId === userId)
      .reverse()
      .slice(0, limit);
  }

  async userOf(messageId: string): Promise<string | undefined> {
    return this.entries.find((entry) => entry.messageId === messageId)?.userId;
  }

  async findOutbox(userId: string, messageId: string): Promise<OutboxMessage | undefined> {
    return this.outbox.find((message) => message.userId === userId && message.messageId === messageId);
  }
}

/** Product health's message counters: each fact id counted once, as the DynamoDB adapter's marker does. */
export class InMemoryMessageOutcomes implements MessageOutcomeRecorder {
  readonly facts: MessageOutcomeFact[] = [];

  async count(fact: MessageOutcomeFact): Promise<'counted' | 'already-counted'> {
    if (this.facts.some((seen) => seen.factId === fact.factId)) return 'already-counted';
    this.facts.push(fact);
    return 'counted';
  }
}
