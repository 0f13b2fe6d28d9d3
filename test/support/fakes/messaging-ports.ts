import type { Clock } from '../../../shared/domain/common';
import {
  isReservable,
  type ContactProfile,
  type ContactRecord,
  type KillSwitchState,
  type MessageLogEntry,
  type OutgoingEmail,
  type OutgoingPush,
  type OutgoingSms,
  type ProviderSendResult,
  type ReservationState,
  type ReserveResult,
  type SendPorts,
  type SendReservations,
  type SuppressionEntry,
} from '../../../shared/domain/messaging';

/** A point where concurrent attempts may interleave; fast-check's scheduler decides the order. */
export type YieldPoint = () => Promise<void>;
const noYield: YieldPoint = () => Promise.resolve();

/**
 * Reservations in a Map. Each write checks and sets with no await in between, which is what a
 * DynamoDB conditional write gives: the check and the write are one atomic step.
 */
export class InMemoryReservations implements SendReservations {
  readonly states = new Map<string, ReservationState>();
  constructor(private readonly yieldPoint: YieldPoint = noYield) {}

  async find(key: string): Promise<ReservationState | undefined> {
    await this.yieldPoint();
    return this.states.get(key);
  }

  async reserve(key: string, claim: Extract<ReservationState, { status: 'reserved' }>, now: Date): Promise<ReserveResult> {
    await this.yieldPoint();
    const existing = this.states.get(key);
    if (existing !== undefined && !isReservable(existing, now)) return { kind: 'already', state: existing };
    this.states.set(key, claim);
    return { kind: 'reserved' };
  }

  async transition(key: string, expected: { status: 'reserved' | 'sending'; attemptId: string }, next: ReservationState): Promise<'ok' | 'conflict'> {
    await this.yieldPoint();
    const current = this.states.get(key);
    if (current === undefined || current.status !== expected.status || current.attemptId !== expected.attemptId) return 'conflict';
    this.states.set(key, next);
    return 'ok';
  }
}

export type Delivery = { channel: 'email'; message: OutgoingEmail } | { channel: 'sms'; message: OutgoingSms } | { channel: 'push'; message: OutgoingPush };

export interface TestWorld {
  ports: SendPorts;
  reservations: InMemoryReservations;
  profiles: Map<string, ContactProfile>;
  suppressions: SuppressionEntry[];
  history: Map<string, ContactRecord[]>;
  killSwitch: { state: KillSwitchState };
  /** Every call that reached a provider, accepted or not. */
  providerCalls: Delivery[];
  /** Calls the provider accepted: the messages that actually left. */
  delivered: Delivery[];
  log: MessageLogEntry[];
  pauses: number[];
  /** Scripted provider answers, consumed in order; `accepted` once exhausted. */
  providerScript: ProviderSendResult['kind'][];
  /** Error text the provider returns with a refusal, when set. */
  providerErrorDetail?: string;
}

/** A whole send path in memory. `pause` moves the clock instead of sleeping. */
export function createTestWorld(clock: Clock & { advance(ms: number): void }, yieldPoint: YieldPoint = noYield): TestWorld {
  const reservations = new InMemoryReservations(yieldPoint);
  const world: Omit<TestWorld, 'ports'> = {
    reservations,
    profiles: new Map(),
    suppressions: [],
    history: new Map(),
    killSwitch: { state: { active: false } },
    providerCalls: [],
    delivered: [],
    log: [],
    pauses: [],
    providerScript: [],
  };
  let providerSequence = 0;
  const provider = async (delivery: Delivery): Promise<ProviderSendResult> => {
    await yieldPoint();
    world.providerCalls.push(delivery);
    const kind = world.providerScript.shift() ?? 'accepted';
    switch (kind) {
      case 'accepted':
        world.delivered.push(delivery);
        providerSequence += 1;
        return { kind, providerMessageId: `provider-${providerSequence}` };
      case 'throttled':
        return { kind, detail: 'Maximum sending rate exceeded' };
      case 'retryable-error':
        return { kind, detail: 'Service unavailable' };
      case 'permanent-error':
        return { kind, detail: world.providerErrorDetail ?? 'Address rejected' };
    }
  };
  const openGate = { acquire: () => Promise.resolve() };
  const ports: SendPorts = {
    profiles: { findContactProfile: async (userId) => (await yieldPoint(), world.profiles.get(userId)) },
    suppressions: {
      listFor: async ({ userId }) => (await yieldPoint(), world.suppressions.filter((entry) => entry.kind === 'hard-bounce' || entry.userId === userId)),
    },
    killSwitch: { read: async () => (await yieldPoint(), world.killSwitch.state) },
    contactHistory: {
      listSince: async (userId, since) => {
        await yieldPoint();
        return (world.history.get(userId) ?? []).filter((contact) => Date.parse(contact.at) >= since.getTime());
      },
      append: async (userId, contact) => {
        await yieldPoint();
        world.history.set(userId, [...(world.history.get(userId) ?? []), contact]);
      },
    },
    reservations,
    senders: {
      email: { send: (message) => provider({ channel: 'email', message }) },
      sms: { send: (message) => provider({ channel: 'sms', message }) },
      push: { send: (message) => provider({ channel: 'push', message }) },
    },
    rateGates: { email: openGate, sms: openGate, push: openGate },
    pause: async (ms) => {
      world.pauses.push(ms);
      clock.advance(ms);
    },
    messageLog: { record: async (entry) => void world.log.push(entry) },
  };
  // The same object, so a test setting a field on the world changes what the ports see.
  return Object.assign(world, { ports });
}
