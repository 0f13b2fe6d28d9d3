import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../../infra/local/local-runtime';
import { signUpWithCode, referralCodeOf, sweepCheckinPrograms } from '../../../shared/application/loyalty';
import type { LoyaltyPorts as LoyaltyServices } from '../../../shared/domain/loyalty';
import { nextMonthOf, runMonthlyDraw, utcMonthOf, verifyMonthlyDraw, type DrawResult } from '../../../shared/domain/loyalty';
import { call, startTestRuntime } from '../../support/test-runtime';
import { createProfile, defaultRules, freshUser, mailSubjectsOf, messageLogOf, servicesOn } from './loyalty-fixtures';

let runtime: LocalRuntime;

beforeAll(async () => {
  runtime = await startTestRuntime();
}, 240_000);
afterAll(async () => {
  await runtime?.stop();
});

const isoNow = () => runtime.clock.now().toISOString();
const pointsOf = async (userId: string) =>
  (await call(runtime, 'GET', `/v1/users/${userId}/points`)).body as {
    growth: number;
    level: string;
    coupons: Array<{ reason: string; discount: { amount?: number } }>;
  };
const codeOf = async (userId: string) => (await call(runtime, 'POST', `/v1/users/${userId}/referral-code`, { auth: 'marketer' })).body.code as string;
const signUp = (refereeId: string, code: string) => call(runtime, 'POST', '/v1/referrals/signup', { body: { refereeId, code } });

/** Two users who joined one after the other (profiles), the first earlier. */
async function referrerAndReferee() {
  const referrer = freshUser('ref');
  const referee = freshUser('new');
  await createProfile(runtime, referrer, 'Asia/Shanghai');
  runtime.clock.advance(60_000);
  await createProfile(runtime, referee, 'Asia/Shanghai');
  return { referrer, referee };
}

describe('growth from purchase events', () => {
  it('adds growth once for duplicate purchases of one order, takes refunds back, and reaches VIP at 1,000', async () => {
    // Prepare
    const userId = freshUser('buyer');
    const purchase = { userId, type: 'purchase', orderId: `${userId}-o1`, amount: 999.9, currency: 'CNY', timestamp: isoNow() };
    const events = [
      { ...purchase, eventId: `${userId}-e1` },
      // The producer re-sent the same order under another event id.
      { ...purchase, eventId: `${userId}-e2` },
      { userId, type: 'purchase', eventId: `${userId}-e3`, orderId: `${userId}-o2`, amount: 1, currency: 'CNY', timestamp: isoNow() },
    ];

    // Act
    await call(runtime, 'POST', '/v1/events', { body: { events } });
    await call(runtime, 'POST', '/v1/events', { body: { events } });
    await runtime.settle();
    const afterPurchases = await pointsOf(userId);
    await call(runtime, 'POST', '/v1/events', {
      body: { events: [{ userId, type: 'refund', eventId: `${userId}-r1`, orderId: `${userId}-o1`, amount: 100, timestamp: isoNow() }] },
    });
    await runtime.settle();
    const afterRefund = await pointsOf(userId);

    // Assess
    expect(runtime.streamFailures).toEqual([]);
    expect(afterPurchases).toMatchObject({ growth: 1000, level: 'vip' });
    expect(afterRefund).toMatchObject({ growth: 900, level: 'growth' });
  }, 60_000);
});

describe('referrals', () => {
  it('gives the referrer a 20 coupon at sign-up and 15 at the first purchase, and enters both in the draw', async () => {
    // Prepare
    const { referrer, referee } = await referrerAndReferee();
    const code = await codeOf(referrer);

    // Act
    const accepted = await signUp(referee, code.toLowerCase());
    const twice = await signUp(referee, code);
    const purchase = { userId: referee, type: 'purchase', amount: 30, currency: 'CNY', timestamp: isoNow() };
    await call(runtime, 'POST', '/v1/events', {
      body: {
        events: [
          { ...purchase, eventId: `${referee}-p1`, orderId: `${referee}-o1` },
          { ...purchase, eventId: `${referee}-p2`, orderId: `${referee}-o2` },
        ],
      },
    });
    await runtime.settle();

    // Assess
    expect(accepted).toMatchObject({ status: 201, body: { kind: 'accepted', referral: { referrerId: referrer, refereeId: referee } } });
    expect(twice).toMatchObject({ status: 409, body: { reason: 'already-referred' } });
    expect(await codeOf(referrer)).toBe(code);
    const coupons = (await pointsOf(referrer)).coupons.map((coupon) => [coupon.reason, coupon.discount.amount]);
    expect(coupons.sort()).toEqual([
      ['referral-first-purchase', 15],
      ['referral-signup', 20],
    ]);
    // Each coupon told once, as a core (transactional) message; a replayed grant meets the
    // message's key and is logged as a duplicate. The referee got nothing.
    const log = await messageLogOf(runtime, referrer);
    expect(log.filter((entry) => entry.endsWith(':sent'))).toEqual(['coupon-issued:core:sent', 'coupon-issued:core:sent']);
    expect(log.filter((entry) => !entry.endsWith(':sent'))).toEqual(log.filter((entry) => entry === 'coupon-issued:core:skipped:duplicate'));
    expect(await mailSubjectsOf(runtime, referrer)).toEqual(expect.arrayContaining(['小明，你的20优惠券已到账', '小明，你的15优惠券已到账']));
    expect(await messageLogOf(runtime, referee)).toEqual([]);
  }, 60_000);

  it('refuses a referral loop and a self-referral', async () => {
    // Prepare
    const { referrer, referee } = await referrerAndReferee();
    expect((await signUp(referee, await codeOf(referrer))).status).toBe(201);

    // Act
    const loop = await signUp(referrer, await codeOf(referee));
    const self = await signUp(referrer, await codeOf(referrer));

    // Assess
    expect(loop).toMatchObject({ status: 409, body: { reason: 'referral-loop' } });
    expect(self).toMatchObject({ status: 409, body: { reason: 'self-referral' } });
  }, 60_000);

  it('queues a reward that no longer fits the monthly budget and issues it from next month’s budget', async () => {
    // Prepare: a month of its own, with a budget of 30 (one 20 coupon fits, the second does not).
    const month = nextMonthOf(nextMonthOf(utcMonthOf(runtime.clock.now())));
    runtime.clock.setTo(new Date(`${month}-02T00:00:00Z`));
    const rules = defaultRules();
    const services: LoyaltyServices = servicesOn(runtime, { ...rules, budget: { ...rules.budget, monthlyBudget: 30, whenExhausted: 'queue-for-next-month' } });
    const first = await referrerAndReferee();
    const second = await referrerAndReferee();

    // Act
    const firstSignup = await signUpWithCode(services, { refereeId: first.referee, code: (await referralCodeOf(services, first.referrer)).code });
    const secondSignup = await signUpWithCode(services, { refereeId: second.referee, code: (await referralCodeOf(services, second.referrer)).code });
    const beforeNextMonth = await pointsOf(second.referrer);
    const messagesBeforeNextMonth = await messageLogOf(runtime, second.referrer);
    runtime.clock.setTo(new Date(`${nextMonthOf(month)}-01T00:05:00Z`));
    // The scheduled sweep (deployed budget) may release it first; either way it is issued once.
    await sweepCheckinPrograms(services, { limitPerShard: 100 });

    // Assess
    expect(firstSignup.applied).toContainEqual(expect.objectContaining({ kind: 'coupon', outcome: 'issued', amount: 20 }));
    expect(secondSignup.applied).toContainEqual(expect.objectContaining({ kind: 'coupon', outcome: 'queued-for-next-month', queuedFor: nextMonthOf(month) }));
    expect(beforeNextMonth.coupons).toEqual([]);
    expect(messagesBeforeNextMonth).toEqual([]);
    expect(await messageLogOf(runtime, first.referrer)).toEqual(['coupon-issued:core:sent']);
    // Released once, told once (the scheduled sweep and this one share the message's key).
    expect((await messageLogOf(runtime, second.referrer)).filter((entry) => entry.endsWith(':sent'))).toEqual(['coupon-issued:core:sent']);
    expect(await services.budget.queued(nextMonthOf(month))).toEqual([]);
    expect((await pointsOf(second.referrer)).coupons).toEqual([
      expect.objectContaining({ reason: 'referral-signup', discount: { kind: 'amount-off', amount: 20 } }),
    ]);
    expect(await services.budget.spent(month)).toBe(20);
    expect(await services.budget.spent(nextMonthOf(month))).toBe(20);
  }, 60_000);
});

describe('the monthly draw', () => {
  it('draws once from the recorded entries with a published seed that reproduces the winners', async () => {
    // Prepare
    const month = utcMonthOf(runtime.clock.now());
    for (let i = 0; i < 3; i += 1) {
      const { referrer, referee } = await referrerAndReferee();
      expect((await signUp(referee, await codeOf(referrer))).status).toBe(201);
    }

    // Act
    const drawn = await call(runtime, 'POST', `/v1/draws/${month}`, { body: { winners: 2 }, auth: 'marketer' });
    const again = await call(runtime, 'POST', `/v1/draws/${month}`, { body: { winners: 2 }, auth: 'marketer' });
    const published = await call(runtime, 'GET', `/v1/draws/${month}`);

    // Assess
    expect(drawn.status).toBe(201);
    const result = drawn.body.result as DrawResult;
    expect(result.entries.length).toBeGreaterThanOrEqual(6);
    expect(result.seed).toMatch(/^[0-9a-f]{64}$/);
    expect(verifyMonthlyDraw(result)).toBe(true);
    expect(runMonthlyDraw({ month, seed: result.seed, userIds: [...result.entries].reverse(), winnerCount: 2 }).winners).toEqual(result.winners);
    expect(again).toMatchObject({ status: 200, body: { kind: 'already-drawn', result: { seed: result.seed, winners: result.winners } } });
    expect(published.body.result).toEqual(result);
  }, 60_000);
});
