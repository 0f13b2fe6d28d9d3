import { describe, expect, it } from 'vitest';
import { referralCodeOf, signUpWithCode } from '../../../../shared/application/loyalty';
import { fakeLoyaltyPorts } from '../../../support/fakes/loyalty-ports';

/** Two users, the referrer with a code created a day before the referee signs up. */
async function referrerWithCode() {
  const ports = fakeLoyaltyPorts({ at: '2026-03-01T01:00:00Z' });
  const { code } = await referralCodeOf(ports, 'referrer');
  ports.clock.set('2026-03-02T01:00:00Z');
  return { ports, code };
}

describe('referral sign-ups', () => {
  it('accepts a new referee and grants the referrer’s coupon and both draw entries', async () => {
    // Prepare
    const { ports, code } = await referrerWithCode();

    // Act
    const answer = await signUpWithCode(ports, { refereeId: 'referee', code });

    // Assess
    expect(answer.outcome.kind).toBe('accepted');
    expect(answer.applied.map((grant) => [grant.kind, grant.outcome])).toEqual([
      ['coupon', 'issued'],
      ['draw-entry', 'entered'],
      ['draw-entry', 'entered'],
    ]);
    expect(await ports.coupons.couponsOf('referrer')).toHaveLength(1);
  });

  it('refuses a self-referral, a loop, a second referrer and an unknown code, and grants nothing for them', async () => {
    // Prepare
    const { ports, code } = await referrerWithCode();
    await signUpWithCode(ports, { refereeId: 'referee', code });
    const { code: refereeCode } = await referralCodeOf(ports, 'referee');
    const { code: otherCode } = await referralCodeOf(ports, 'other');
    const couponsBefore = await ports.coupons.couponsOf('referrer');

    // Act
    const self = await signUpWithCode(ports, { refereeId: 'referrer', code });
    const loop = await signUpWithCode(ports, { refereeId: 'referrer', code: refereeCode });
    const second = await signUpWithCode(ports, { refereeId: 'referee', code: otherCode });
    const unknown = await signUpWithCode(ports, { refereeId: 'newcomer', code: 'ZZZZ-ZZZZ-ZZ' });

    // Assess
    expect([self, loop, second, unknown].map((answer) => answer.outcome)).toEqual([
      { kind: 'refused', reason: 'self-referral' },
      { kind: 'refused', reason: 'referral-loop' },
      { kind: 'refused', reason: 'already-referred' },
      { kind: 'refused', reason: 'unknown-code' },
    ]);
    expect([self, loop, second, unknown].flatMap((answer) => answer.applied)).toEqual([]);
    expect(await ports.coupons.couponsOf('referrer')).toEqual(couponsBefore);
    expect(await ports.coupons.couponsOf('referee')).toEqual([]);
  });

  it('gives a user the same code on every request', async () => {
    // Prepare
    const { ports, code } = await referrerWithCode();

    // Act
    const again = await referralCodeOf(ports, 'referrer');

    // Assess
    expect(again).toEqual({ code, created: false });
  });
});
