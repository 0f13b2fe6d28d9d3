import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sendMessage } from '../../../../shared/application/messaging/send-message';
import { fixedClock } from '../../../../shared/domain/common';
import { verifyUnsubscribeToken, type SendOutcome, type SendRequest } from '../../../../shared/domain/messaging';
import { createTestWorld, type TestWorld } from '../../../support/fakes/messaging-ports';
import { consentingProfile, marketingEmailRequest, shanghaiNoon, testKeyring, testSettings } from '../../messaging/support/fixtures';

function worldAt(at: string = shanghaiNoon) {
  const clock = fixedClock(at);
  const world = createTestWorld(clock);
  world.profiles.set('user-1', consentingProfile());
  return { clock, world };
}

function sendOnce(world: TestWorld, clock: ReturnType<typeof fixedClock>, request: SendRequest = marketingEmailRequest()) {
  return sendMessage(request, world.ports, clock, testSettings());
}

describe('sendMessage: the one send path', () => {
  it('sends an allowed marketing email once, with a one-click unsubscribe, and logs it masked', async () => {
    // Prepare
    const { clock, world } = worldAt();
    // Act
    const outcome = await sendOnce(world, clock);
    // Assess
    expect(outcome).toMatchObject({ kind: 'sent', providerMessageId: 'provider-1' });
    expect(world.delivered).toHaveLength(1);
    const delivery = world.delivered[0];
    if (delivery?.channel !== 'email') throw new Error('expected an email');
    expect(delivery.message.to).toBe('alice.smith@example.com');
    expect(delivery.message.subject).toBe('Rekindle test message for Alice');
    const listUnsubscribe = delivery.message.headers.find((header) => header.name === 'List-Unsubscribe')?.value ?? '';
    expect(delivery.message.headers).toContainEqual({ name: 'List-Unsubscribe-Post', value: 'List-Unsubscribe=One-Click' });
    const token = new URL(listUnsubscribe.slice(1, -1)).searchParams.get('token') ?? '';
    expect(verifyUnsubscribeToken(token, testKeyring, clock.now())).toMatchObject({ kind: 'valid', userId: 'user-1', channel: 'email' });
    expect(delivery.message.text).toContain(listUnsubscribe.slice(1, -1));
    expect(world.history.get('user-1')).toEqual([{ messageId: outcome.messageId, at: shanghaiNoon, channel: 'email', priority: 'non-core' }]);
    expect(world.log).toHaveLength(1);
    expect(world.log[0]).toMatchObject({ contactPoint: 'a***@e***.com', outcome, locale: 'en' });
    expect(JSON.stringify(world.log)).not.toContain('alice.smith');
    expect(world.log[0]?.decision?.checks.map((check) => check.name)).toEqual([
      'idempotency',
      'kill-switch',
      'global-control',
      'contact-point',
      'consent',
      'suppression',
      'quiet-hours',
      'disturbance-budget',
    ]);
    expect(world.reservations.states.get('exec-1:step-1')).toMatchObject({ status: 'sent', providerMessageId: 'provider-1' });
  });

  it('a core email carries no unsubscribe headers; a core SMS goes out as Transactional', async () => {
    const { clock, world } = worldAt();
    await sendOnce(world, clock, marketingEmailRequest({ priority: 'core', idempotencyKey: 'k-email' }));
    await sendOnce(world, clock, marketingEmailRequest({ priority: 'core', channel: 'sms', idempotencyKey: 'k-sms' }));
    const [email, sms] = world.delivered;
    expect(email?.channel === 'email' && email.message.headers).toEqual([]);
    expect(sms?.channel === 'sms' && sms.message.smsType).toBe('Transactional');
  });

  it('a retry of a sent message reports duplicate and sends nothing, even though the budget is now used up', async () => {
    const { clock, world } = worldAt();
    const first = await sendOnce(world, clock);
    clock.advance(5_000);
    const retry = await sendOnce(world, clock);
    expect(retry).toMatchObject({ kind: 'skipped', reason: 'duplicate', messageId: first.messageId });
    expect(world.providerCalls).toHaveLength(1);
    expect(world.log[1]?.decision?.checks).toEqual([{ name: 'idempotency', result: 'block', detail: `already sent at ${shanghaiNoon}` }]);
  });

  it('a skip or a deferral reserves nothing, so the same key can send later', async () => {
    // Prepare: 22:00 in Shanghai.
    const { clock, world } = worldAt('2025-06-02T14:00:00.000Z');
    // Act
    const deferred = await sendOnce(world, clock);
    clock.set('2025-06-03T01:00:00.000Z');
    const later = await sendOnce(world, clock);
    // Assess
    expect(deferred).toMatchObject({ kind: 'deferred', until: '2025-06-03T01:00:00.000Z' });
    expect(later.kind).toBe('sent');
    expect(world.delivered).toHaveLength(1);
  });

  it('unknown user, unknown template and a missing variable fail permanently without sending', async () => {
    const { clock, world } = worldAt();
    const noUser = await sendOnce(world, clock, marketingEmailRequest({ userId: 'ghost', idempotencyKey: 'a' }));
    const noTemplate = await sendOnce(world, clock, marketingEmailRequest({ templateId: 'nope', idempotencyKey: 'b' }));
    const missing = await sendOnce(world, clock, marketingEmailRequest({ data: { firstName: 'Alice' }, idempotencyKey: 'c' }));
    expect(noUser).toMatchObject({ kind: 'failed-permanent', code: 'unknown-user' });
    expect(noTemplate).toMatchObject({ kind: 'failed-permanent', code: 'unknown-template' });
    expect(missing).toMatchObject({ kind: 'failed-permanent', code: 'template-error' });
    expect(missing.kind === 'failed-permanent' && missing.detail).toContain('"sentBy"');
    expect(world.providerCalls).toHaveLength(0);
    expect(world.reservations.states.size).toBe(0);
    expect(world.log).toHaveLength(3);
  });

  it('throttling is retried with jittered backoff and sends once', async () => {
    // Prepare
    const { clock, world } = worldAt();
    world.providerScript.push('throttled', 'throttled');
    // Act
    const outcome = await sendOnce(world, clock);
    // Assess: random() = 0.5, so the pauses are half of 200 ms and of 400 ms.
    expect(outcome.kind).toBe('sent');
    expect(world.pauses).toEqual([100, 200]);
    expect(world.providerCalls).toHaveLength(3);
    expect(world.delivered).toHaveLength(1);
  });

  it('throttled on every attempt: failed-retryable, key released, and the retry sends once', async () => {
    const { clock, world } = worldAt();
    world.providerScript.push('throttled', 'throttled', 'throttled', 'throttled');
    const first = await sendOnce(world, clock);
    expect(first).toMatchObject({ kind: 'failed-retryable', code: 'throttled' });
    expect(world.reservations.states.get('exec-1:step-1')?.status).toBe('released');
    const retry = await sendOnce(world, clock);
    expect(retry.kind).toBe('sent');
    expect(world.delivered).toHaveLength(1);
  });

  it('a permanent provider error is final: the retry does not call the provider again', async () => {
    const { clock, world } = worldAt();
    world.providerScript.push('permanent-error');
    expect(await sendOnce(world, clock)).toMatchObject({ kind: 'failed-permanent', code: 'provider-rejected' });
    expect(await sendOnce(world, clock)).toMatchObject({ kind: 'failed-permanent', code: 'provider-rejected' });
    expect(world.providerCalls).toHaveLength(1);
  });

  it('a provider error quoting the recipient is masked in the outcome and the log', async () => {
    const { clock, world } = worldAt();
    world.providerScript.push('permanent-error');
    world.providerErrorDetail = 'Email address is not verified: alice.smith@example.com';
    const outcome = await sendOnce(world, clock);
    expect(outcome).toMatchObject({ kind: 'failed-permanent', detail: 'Email address is not verified: a***@e***.com' });
    expect(JSON.stringify(world.log)).not.toContain('alice.smith');
    expect(JSON.stringify([...world.reservations.states.values()])).not.toContain('alice.smith');
  });

  it('a crash between reserve and send is recovered after the lease, without loss or duplicate', async () => {
    // Prepare: the process dies right after reserving (the write to `sending` never happens).
    const { clock, world } = worldAt();
    const transition = world.reservations.transition.bind(world.reservations);
    let crashed = false;
    world.reservations.transition = async (key, expected, next) => {
      if (!crashed && next.status === 'sending') {
        crashed = true;
        throw new Error('Lambda timed out');
      }
      return transition(key, expected, next);
    };
    // Act
    await expect(sendOnce(world, clock)).rejects.toThrow('Lambda timed out');
    const tooEarly = await sendOnce(world, clock);
    clock.advance(60_000);
    const afterLease = await sendOnce(world, clock);
    const again = await sendOnce(world, clock);
    // Assess
    expect(tooEarly).toMatchObject({ kind: 'failed-retryable', code: 'in-flight', retryAfterMs: 60_000 });
    expect(afterLease.kind).toBe('sent');
    expect(again).toMatchObject({ kind: 'skipped', reason: 'duplicate' });
    expect(world.delivered).toHaveLength(1);
  });

  it('a crash after the provider accepted is never resent: in flight, then in doubt', async () => {
    // Prepare: the process dies between the provider call and the write to `sent`.
    const { clock, world } = worldAt();
    const transition = world.reservations.transition.bind(world.reservations);
    world.reservations.transition = async (key, expected, next) => {
      if (next.status === 'sent') throw new Error('Lambda timed out');
      return transition(key, expected, next);
    };
    // Act
    await expect(sendOnce(world, clock)).rejects.toThrow('Lambda timed out');
    clock.advance(60_000);
    const whileSending = await sendOnce(world, clock);
    clock.advance(240_000);
    const afterTimeout = await sendOnce(world, clock);
    // Assess
    expect(whileSending).toMatchObject({ kind: 'failed-retryable', code: 'in-flight', retryAfterMs: 240_000 });
    expect(afterTimeout).toMatchObject({ kind: 'failed-permanent', code: 'delivery-in-doubt' });
    expect(world.providerCalls).toHaveLength(1);
  });

  it('property: N concurrent sends with one idempotency key reach the provider once', async () => {
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), fc.integer({ min: 2, max: 12 }), async (scheduler, concurrent) => {
        // Prepare: every port call is a point where the scheduler may switch attempts.
        const clock = fixedClock(shanghaiNoon);
        const world = createTestWorld(clock, () => scheduler.schedule(Promise.resolve()));
        world.profiles.set('user-1', consentingProfile());
        // Act
        const pending = Array.from({ length: concurrent }, () => sendMessage(marketingEmailRequest(), world.ports, clock, testSettings()));
        const outcomes: SendOutcome[] = await scheduler.waitFor(Promise.all(pending));
        // Assess
        expect(world.providerCalls).toHaveLength(1);
        expect(outcomes.filter((outcome) => outcome.kind === 'sent')).toHaveLength(1);
        for (const outcome of outcomes.filter((o) => o.kind !== 'sent')) {
          expect(['skipped', 'failed-retryable']).toContain(outcome.kind);
        }
      }),
      { numRuns: 100 },
    );
  });

  it('property: with the kill switch on, or the user unsubscribed, no marketing message leaves', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            channel: fc.constantFrom('email' as const, 'sms' as const, 'push' as const),
            gapMinutes: fc.integer({ min: 0, max: 3000 }),
          }),
          { minLength: 1, maxLength: 15 },
        ),
        fc.constantFrom('kill-switch', 'unsubscribed', 'complaint'),
        async (attempts, blocker) => {
          // Prepare
          const { clock, world } = worldAt();
          if (blocker === 'kill-switch') world.killSwitch.state = { active: true, reason: 'test', since: shanghaiNoon, by: 'tester' };
          else if (blocker === 'complaint') world.suppressions.push({ kind: 'complaint', userId: 'user-1', at: shanghaiNoon });
          else
            for (const channel of ['email', 'sms', 'push'] as const)
              world.suppressions.push({ kind: 'unsubscribe', userId: 'user-1', channel, at: shanghaiNoon });
          // Act
          for (const [index, attempt] of attempts.entries()) {
            clock.advance(attempt.gapMinutes * 60_000);
            await sendOnce(world, clock, marketingEmailRequest({ channel: attempt.channel, idempotencyKey: `key-${index}`, onQuietHours: 'drop' }));
          }
          // Assess
          expect(world.providerCalls).toHaveLength(0);
          expect(world.log).toHaveLength(attempts.length);
        },
      ),
      { numRuns: 100 },
    );
  });
});
