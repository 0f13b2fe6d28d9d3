import { describe, expect, it } from 'vitest';
import { reconcileInDoubtSends } from '../../../../shared/application/messaging/reconcile-in-doubt-sends';
import { sendMessage } from '../../../../shared/application/messaging/send-message';
import {
  defaultContactPolicyConfig,
  messageIdFor,
  ReconcileSweepIncompleteError,
  reconcileStuckSend,
  type ProviderRecord,
  type ReconcilePorts,
  type SendingState,
  type StuckSend,
} from '../../../../shared/domain/messaging';
import { fixedClock } from '../../../../shared/domain/common';
import { consentingProfile, marketingEmailRequest, shanghaiNoon, testSettings } from '../../messaging/support/fixtures';
import { createTestWorld, type TestWorld } from '../../../support/fakes/messaging-ports';

const config = defaultContactPolicyConfig.reservation;
const KEY = 'exec-1:step-1';

function worldAt() {
  const clock = fixedClock(shanghaiNoon);
  const world = createTestWorld(clock);
  world.profiles.set('user-1', consentingProfile());
  return { clock, world };
}

const send = (world: TestWorld, clock: ReturnType<typeof fixedClock>, key = KEY) =>
  sendMessage(marketingEmailRequest({ idempotencyKey: key, touchId: 'touch-1' }), world.ports, clock, testSettings());

/** The process dies between the provider's answer and the write of `sent`: the key stays `sending`. */
function crashAfterProviderAnswer(world: TestWorld): void {
  const transition = world.reservations.transition.bind(world.reservations);
  let crashed = false;
  world.reservations.transition = async (key, expected, next) => {
    if (!crashed && next.status === 'sent') {
      crashed = true;
      throw new Error('Lambda timed out');
    }
    return transition(key, expected, next);
  };
}

/** The connection drops before the provider has the message: it never left. */
function crashBeforeProviderTakesIt(world: TestWorld): void {
  const email = world.ports.senders.email;
  let crashed = false;
  world.ports.senders.email = {
    send: async (message) => {
      if (crashed) return email.send(message);
      crashed = true;
      throw new Error('socket hang up');
    },
  };
}

/**
 * The sweep's ports over the in-memory world. The provider's record is what reached it: any
 * delivered message, as SES publishes a Send event for every message it accepted.
 */
function reconcilePorts(world: TestWorld): ReconcilePorts {
  return {
    stuckSends: {
      listSendingSince: async (cutoff) =>
        [...world.reservations.states.entries()].flatMap(([idempotencyKey, state]): StuckSend[] =>
          state.status === 'sending' && Date.parse(state.sendingSince) <= cutoff.getTime()
            ? [{ userId: 'user-1', idempotencyKey, messageId: messageIdFor(idempotencyKey), state }]
            : [],
        ),
    },
    providerRecords: {
      lookup: async ({ messageId }): Promise<ProviderRecord> =>
        world.delivered.some((delivery) => delivery.message.messageId === messageId)
          ? { kind: 'found', providerMessageId: 'ses-evidence-1', at: shanghaiNoon }
          : { kind: 'not-found' },
    },
    reservationsOf: () => world.reservations,
    contactHistory: world.ports.contactHistory,
  };
}

describe('reconcileInDoubtSends', () => {
  it('marks a message the provider took as sent, counts the contact, and a retry answers duplicate', async () => {
    // Prepare: the provider accepted the message, then the attempt died before recording it.
    const { clock, world } = worldAt();
    crashAfterProviderAnswer(world);
    await expect(send(world, clock)).rejects.toThrow('Lambda timed out');
    clock.advance(config.sendingTimeoutSeconds * 1000);
    const beforeSweep = await send(world, clock);

    // Act
    const report = await reconcileInDoubtSends(reconcilePorts(world), clock, config);
    const retry = await send(world, clock);

    // Assess
    expect(beforeSweep).toMatchObject({ kind: 'failed-permanent', code: 'delivery-in-doubt' });
    expect(report).toEqual({ examined: 1, markedSent: 1, released: 0, waiting: 0, leftInDoubt: [], conflicts: 0, failed: 0 });
    expect(world.reservations.states.get(KEY)).toMatchObject({ status: 'sent', providerMessageId: 'ses-evidence-1', sentAt: shanghaiNoon });
    expect(retry).toMatchObject({ kind: 'skipped', reason: 'duplicate' });
    expect(world.history.get('user-1')).toEqual([
      { messageId: messageIdFor(KEY), at: shanghaiNoon, channel: 'email', priority: 'non-core', touchId: 'touch-1' },
    ]);
    expect(world.providerCalls).toHaveLength(1);
  });

  it('releases a message the provider never took only after the evidence horizon; the next retry sends it once', async () => {
    // Prepare
    const { clock, world } = worldAt();
    crashBeforeProviderTakesIt(world);
    await expect(send(world, clock)).rejects.toThrow('socket hang up');
    const ports = reconcilePorts(world);

    // Act
    clock.advance(config.sendingTimeoutSeconds * 1000);
    const early = await reconcileInDoubtSends(ports, clock, config);
    const whileWaiting = await send(world, clock);
    clock.advance((config.providerEvidenceHorizonSeconds - config.sendingTimeoutSeconds) * 1000);
    const late = await reconcileInDoubtSends(ports, clock, config);
    const retry = await send(world, clock);
    const again = await send(world, clock);

    // Assess
    expect(early).toMatchObject({ examined: 1, waiting: 1, released: 0 });
    expect(whileWaiting).toMatchObject({ kind: 'failed-permanent', code: 'delivery-in-doubt' });
    expect(late).toMatchObject({ examined: 1, released: 1, markedSent: 0 });
    expect(retry.kind).toBe('sent');
    expect(again).toMatchObject({ kind: 'skipped', reason: 'duplicate' });
    expect(world.delivered).toHaveLength(1);
    expect(world.history.get('user-1')).toHaveLength(1);
  });

  it('leaves a key someone else settled first alone (conflict), and never overwrites it', async () => {
    // Prepare: the sweep listed the key, then an overlapping sweep released it.
    const { clock, world } = worldAt();
    crashBeforeProviderTakesIt(world);
    await expect(send(world, clock)).rejects.toThrow('socket hang up');
    clock.advance(config.providerEvidenceHorizonSeconds * 1000);
    const ports = reconcilePorts(world);
    const listed = await ports.stuckSends.listSendingSince(clock.now());
    const released = { status: 'released', attemptId: listed[0]!.state.attemptId, detail: 'by another sweep', releasedAt: clock.now().toISOString() } as const;
    world.reservations.states.set(KEY, released);

    // Act
    const report = await reconcileInDoubtSends({ ...ports, stuckSends: { listSendingSince: async () => listed } }, clock, config);

    // Assess
    expect(report).toMatchObject({ examined: 1, conflicts: 1, released: 0 });
    expect(world.reservations.states.get(KEY)).toEqual(released);
  });

  it('settles the other keys when one fails, then throws with the report (redacted)', async () => {
    // Prepare: two keys in doubt; the evidence lookup of the first fails with an error quoting an address.
    const { clock, world } = worldAt();
    crashAfterProviderAnswer(world);
    await expect(send(world, clock, 'key-a')).rejects.toThrow();
    crashAfterProviderAnswer(world);
    await expect(send(world, clock, 'key-b')).rejects.toThrow();
    clock.advance(config.sendingTimeoutSeconds * 1000);
    const ports = reconcilePorts(world);
    const failing: ReconcilePorts = {
      ...ports,
      providerRecords: {
        lookup: (message) =>
          message.messageId === messageIdFor('key-a')
            ? Promise.reject(new Error('throttled reading alice.smith@example.com'))
            : ports.providerRecords.lookup(message),
      },
    };

    // Act
    const error = await reconcileInDoubtSends(failing, clock, config).catch((thrown: unknown) => thrown);

    // Assess
    expect(error).toBeInstanceOf(ReconcileSweepIncompleteError);
    const incomplete = error as ReconcileSweepIncompleteError;
    expect(incomplete.report).toMatchObject({ examined: 2, markedSent: 1, failed: 1 });
    expect(incomplete.message).not.toContain('alice.smith');
    expect(world.reservations.states.get('key-b')?.status).toBe('sent');
    expect(world.reservations.states.get('key-a')?.status).toBe('sending');
  });
});

describe('reconcileStuckSend', () => {
  const state: SendingState = { status: 'sending', attemptId: 'a', sendingSince: '2025-06-01T00:00:00.000Z', contact: { channel: 'sms', priority: 'core' } };
  const stuck: StuckSend = { userId: 'u', idempotencyKey: 'k', messageId: messageIdFor('k'), state };
  const at = (iso: string) => new Date(iso);

  it('waits while the attempt may still be running, and until the evidence horizon without a record', () => {
    expect(reconcileStuckSend(stuck, { kind: 'not-found' }, at('2025-06-01T00:04:59.999Z'), config)).toEqual({
      kind: 'wait',
      until: '2025-06-01T00:05:00.000Z',
      reason: 'not-in-doubt-yet',
    });
    expect(reconcileStuckSend(stuck, { kind: 'not-found' }, at('2025-06-01T00:59:59.999Z'), config)).toEqual({
      kind: 'wait',
      until: '2025-06-01T01:00:00.000Z',
      reason: 'evidence-may-be-late',
    });
    expect(reconcileStuckSend(stuck, { kind: 'not-found' }, at('2025-06-01T01:00:00.000Z'), config)).toMatchObject({
      kind: 'settle',
      next: { status: 'released', attemptId: 'a' },
    });
  });

  it('marks sent as soon as the provider has a record, without waiting for the horizon', () => {
    expect(
      reconcileStuckSend(stuck, { kind: 'found', providerMessageId: 'p-1', at: '2025-06-01T00:00:01.000Z' }, at('2025-06-01T00:05:00.000Z'), config),
    ).toEqual({
      kind: 'settle',
      next: { status: 'sent', attemptId: 'a', providerMessageId: 'p-1', sentAt: '2025-06-01T00:00:01.000Z' },
      evidence: { kind: 'provider-accepted', providerMessageId: 'p-1', at: '2025-06-01T00:00:01.000Z' },
      contact: { messageId: stuck.messageId, at: '2025-06-01T00:00:01.000Z', channel: 'sms', priority: 'core' },
    });
  });

  it('never guesses where no evidence can exist: the key is left in doubt, even long after', () => {
    const legacy: StuckSend = { ...stuck, state: { status: 'sending', attemptId: 'a', sendingSince: '2025-06-01T00:00:00.000Z' } };
    expect(reconcileStuckSend(stuck, { kind: 'no-source' }, at('2025-07-01T00:00:00.000Z'), config)).toMatchObject({
      kind: 'leave-in-doubt',
      reason: expect.stringContaining('sms'),
    });
    expect(reconcileStuckSend(legacy, { kind: 'no-source' }, at('2025-07-01T00:00:00.000Z'), config).kind).toBe('leave-in-doubt');
    // A record found for a reservation written before the contact was kept: sent, nothing to count.
    expect(
      reconcileStuckSend(legacy, { kind: 'found', providerMessageId: 'p', at: '2025-06-01T00:00:01.000Z' }, at('2025-06-01T01:00:00.000Z'), config),
    ).not.toHaveProperty('contact');
  });
});
