import { describe, expect, it } from 'vitest';
import { MS_PER_DAY } from '../../../shared/domain/common';
import {
  ReferralConfig,
  type ReferralSignupFacts,
  deterministicReferralCode,
  evaluateReferralSignup,
  normalizeReferralCode,
  randomReferralCode,
  rewardForRefereePurchase,
  signUpWithReferralCode,
} from '../../../shared/domain/loyalty/referrals';
import { applyRewardGrants } from '../../support/apply-reward-grants';
import { InMemoryCouponStore } from '../../support/fakes/coupon-store';
import { InMemoryDrawEntryStore } from '../../support/fakes/draw-entry-store';
import { InMemoryReferralStore } from '../../support/fakes/referral-store';
import { InMemoryLedgerStore } from '../../support/fakes/ledger-store';

const config = ReferralConfig.parse({});
const secret = 'test-secret';
const day = (index: number) => new Date(Date.parse('2025-06-01T00:00:00Z') + index * MS_PER_DAY);

/** Users joined on the given day numbers; each has claimed its deterministic code. */
async function communityOf(joinedOnDay: Record<string, number>) {
  const store = new InMemoryReferralStore();
  for (const userId of Object.keys(joinedOnDay)) await store.claimCode(deterministicReferralCode(userId, secret), userId);
  const joinedAt = (userId: string) => day(joinedOnDay[userId] ?? 0);
  const signUp = (refereeId: string, referrerId: string, atDay: number) =>
    signUpWithReferralCode(
      store,
      {
        typedCode: deterministicReferralCode(referrerId, secret),
        refereeId,
        refereeJoinedAt: joinedAt(refereeId),
        referrerJoinedAt: async (id) => joinedAt(id),
        at: day(atDay),
      },
      config,
    );
  return { store, signUp };
}

describe('referral codes', () => {
  it('derives a stable 10-symbol Crockford code per user and key', () => {
    // Prepare / Act
    const first = deterministicReferralCode('user-a', secret);
    const again = deterministicReferralCode('user-a', secret);
    const otherKey = deterministicReferralCode('user-a', 'another-secret');

    // Assess
    expect(first).toBe(again);
    expect(first).toMatch(/^[0-9A-HJKMNP-TV-Z]{10}$/);
    expect(otherKey).not.toBe(first);
  });

  it('draws random codes from an injected byte source, and normalises what people type', () => {
    // Prepare: all-zero bytes encode to all-zero symbols; 0xFF bytes to all 'Z'.
    const zeros = (length: number) => new Uint8Array(length);
    const ones = (length: number) => new Uint8Array(length).fill(0xff);

    // Act / Assess
    expect(randomReferralCode(zeros)).toBe('0000000000');
    expect(randomReferralCode(ones)).toBe('ZZZZZZZZZZ');
    expect(normalizeReferralCode('abo1-il 2z')).toBe('AB0111' + '2Z');
  });
});

describe('referral sign-up rules', () => {
  it('accepts a new user: a 20 coupon for the referrer and draw entries for both', async () => {
    // Prepare
    const { signUp } = await communityOf({ alice: 0, bob: 3 });

    // Act
    const outcome = await signUp('bob', 'alice', 3);

    // Assess
    expect(outcome).toMatchObject({ kind: 'accepted', referral: { referrerId: 'alice', refereeId: 'bob' } });
    if (outcome.kind !== 'accepted') return;
    expect(outcome.grants).toEqual([
      expect.objectContaining({
        kind: 'coupon',
        coupon: expect.objectContaining({ userId: 'alice', discount: { kind: 'amount-off', amount: 20 } }),
      }),
      expect.objectContaining({ kind: 'draw-entry', entry: expect.objectContaining({ userId: 'alice', month: '2025-06' }) }),
      expect.objectContaining({ kind: 'draw-entry', entry: expect.objectContaining({ userId: 'bob', month: '2025-06' }) }),
    ]);
  });

  it('refuses a loop: after A refers B, B cannot refer A, and C cannot refer A after A → B → C', async () => {
    // Prepare
    const { signUp } = await communityOf({ a: 0, b: 1, c: 2 });
    await signUp('b', 'a', 1);
    await signUp('c', 'b', 2);

    // Act
    const backwards = await signUp('a', 'b', 2);
    const aroundTheChain = await signUp('a', 'c', 2);

    // Assess
    expect(backwards).toEqual({ kind: 'refused', reason: 'referral-loop' });
    expect(aroundTheChain).toEqual({ kind: 'refused', reason: 'referral-loop' });
  });

  it('refuses a loop from the chain alone, whatever the join times say', () => {
    // Prepare: facts that pass every other rule.
    const facts: ReferralSignupFacts = {
      code: 'X',
      referrerId: 'c',
      referrerJoinedAt: day(0),
      refereeId: 'a',
      refereeJoinedAt: day(1),
      claimedAt: day(1),
      refereeReferrerId: undefined,
      referrerChain: ['b', 'a'],
      referrerChainTruncated: false,
    };

    // Act
    const outcome = evaluateReferralSignup(facts, config);

    // Assess
    expect(outcome).toEqual({ kind: 'refused', reason: 'referral-loop' });
  });

  it('refuses self-referral, a referee counted twice, an old user and an unknown code', async () => {
    // Prepare
    const { signUp, store } = await communityOf({ a: 0, b: 1, c: 2, veteran: 0 });
    await signUp('c', 'a', 2);

    // Act
    const self = await signUp('a', 'a', 0);
    const twice = await signUp('c', 'b', 2);
    const old = await signUp('veteran', 'a', 30);
    const unknown = await signUpWithReferralCode(
      store,
      { typedCode: 'NOPE', refereeId: 'b', refereeJoinedAt: day(1), referrerJoinedAt: async () => day(0), at: day(1) },
      config,
    );

    // Assess
    expect(self).toEqual({ kind: 'refused', reason: 'self-referral' });
    expect(twice).toEqual({ kind: 'refused', reason: 'already-referred' });
    expect(old).toEqual({ kind: 'refused', reason: 'referee-not-new' });
    expect(unknown).toEqual({ kind: 'refused', reason: 'unknown-code' });
  });

  it('refuses a referee who joined no later than the referrer', async () => {
    // Prepare: both joined on day 1.
    const { signUp } = await communityOf({ early: 1, same: 1 });

    // Act
    const outcome = await signUp('same', 'early', 1);

    // Assess
    expect(outcome).toEqual({ kind: 'refused', reason: 'referee-not-newer-than-referrer' });
  });

  it('counts a referee once when two sign-ups race', async () => {
    // Prepare
    const { signUp } = await communityOf({ a: 0, b: 0, newcomer: 2 });

    // Act
    const outcomes = await Promise.all([signUp('newcomer', 'a', 2), signUp('newcomer', 'b', 2)]);

    // Assess
    expect(outcomes.map((outcome) => outcome.kind).sort()).toEqual(['accepted', 'refused']);
  });
});

describe('referee purchases', () => {
  it('earns the referrer a 15 coupon on the first purchase only', async () => {
    // Prepare
    const { signUp, store } = await communityOf({ a: 0, b: 1 });
    await signUp('b', 'a', 1);
    const referral = await store.referralOf('b');
    const ports = { ledger: new InMemoryLedgerStore(), coupons: new InMemoryCouponStore(), drawEntries: new InMemoryDrawEntryStore() };

    // Act
    for (const occurredAt of ['2025-06-03T10:00:00.000Z', '2025-06-09T10:00:00.000Z']) {
      const reward = rewardForRefereePurchase(referral, { userId: 'b', occurredAt }, config);
      if (reward.kind === 'reward') await applyRewardGrants(reward.grants, ports);
    }

    // Assess
    const coupons = await ports.coupons.couponsOf('a');
    expect(coupons.map((coupon) => coupon.discount)).toEqual([{ kind: 'amount-off', amount: 15 }]);
    expect(rewardForRefereePurchase(undefined, { userId: 'z', occurredAt: '2025-06-03T10:00:00.000Z' }, config)).toEqual({
      kind: 'no-referral',
    });
  });
});
