import { describe, expect, it } from 'vitest';
import { grantRewards, releaseQueuedCoupons } from '../../../../shared/application/loyalty';
import type { RewardGrant } from '../../../../shared/domain/loyalty';
import { defaultLoyaltyRules, fakeLoyaltyPorts } from '../../../support/fakes/loyalty-ports';

function referralCoupon(id: string, userId: string, amount: number): RewardGrant {
  return { kind: 'coupon', coupon: { id, userId, reason: 'referral-signup', discount: { kind: 'amount-off', amount }, issuedAt: '2026-03-02T01:00:00.000Z' } };
}

describe('granting rewards within the monthly budget', () => {
  it('issues a coupon that fits and queues for next month one that does not', async () => {
    // Prepare: a budget of 30 for two coupons of 20.
    const ports = fakeLoyaltyPorts({ at: '2026-03-02T01:00:00Z', rules: defaultLoyaltyRules(30) });

    // Act
    const applied = await grantRewards(ports, [referralCoupon('c1', 'a', 20), referralCoupon('c2', 'b', 20)]);

    // Assess
    expect(applied).toEqual([
      { kind: 'coupon', couponId: 'c1', outcome: 'issued', amount: 20 },
      { kind: 'coupon', couponId: 'c2', outcome: 'queued-for-next-month', queuedFor: '2026-04' },
    ]);
    expect(await ports.budget.spent('2026-03')).toBe(20);
    expect(await ports.coupons.couponsOf('b')).toEqual([]);
    expect((await ports.budget.queued('2026-04')).map((coupon) => coupon.id)).toEqual(['c2']);
    expect(ports.messages.sent.map((message) => message.userId)).toEqual(['a']);
  });

  it('releases a queued coupon from next month’s budget once, and tells its owner once', async () => {
    // Prepare
    const ports = fakeLoyaltyPorts({ at: '2026-03-02T01:00:00Z', rules: defaultLoyaltyRules(30) });
    await grantRewards(ports, [referralCoupon('c1', 'a', 20), referralCoupon('c2', 'b', 20)]);
    ports.clock.set('2026-04-01T00:05:00Z');

    // Act
    const released = await releaseQueuedCoupons(ports, '2026-04');
    const releasedAgain = await releaseQueuedCoupons(ports, '2026-04');

    // Assess
    expect([released, releasedAgain]).toEqual([1, 0]);
    expect(await ports.coupons.couponsOf('b')).toEqual([expect.objectContaining({ id: 'c2' })]);
    expect(await ports.budget.spent('2026-04')).toBe(20);
    expect(ports.messages.sent.filter((message) => message.userId === 'b')).toHaveLength(1);
  });

  it('replays a list of grants without granting anything twice', async () => {
    // Prepare
    const ports = fakeLoyaltyPorts();
    const grants: RewardGrant[] = [
      {
        kind: 'points',
        entry: { kind: 'grant', id: 'p1', userId: 'a', account: 'points', reason: 'checkin', amount: 10, occurredAt: '2026-03-02T01:00:00.000Z' },
      },
      referralCoupon('c1', 'a', 20),
      { kind: 'draw-entry', entry: { id: 'd1', month: '2026-03', userId: 'a', enteredAt: '2026-03-02T01:00:00.000Z' } },
    ];
    await grantRewards(ports, grants);

    // Act
    const replayed = await grantRewards(ports, grants);

    // Assess
    expect(replayed.map((grant) => (grant.kind === 'points' ? grant.outcome.kind : grant.outcome))).toEqual([
      'already-granted',
      'already-issued',
      'already-entered',
    ]);
    expect(await ports.ledger.balance('a', 'points')).toEqual({ amount: 10, version: 1 });
    expect(await ports.budget.spent('2026-03')).toBe(20);
  });
});
