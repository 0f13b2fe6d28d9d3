import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RewardBudgetConfig, allocateReward, budgetCoupon } from '../../../shared/domain/loyalty/reward-budget';

describe('monthly reward budget', () => {
  it('queues rewards for next month once the budget is spent', () => {
    // Prepare: 1000 budget, 990 spent, a 20 coupon to give.
    const config = RewardBudgetConfig.parse({ monthlyBudget: 1000, whenExhausted: 'queue-for-next-month' });

    // Act
    const decision = allocateReward({ spentSoFar: 990, rewardAmount: 20 }, config);
    const fits = allocateReward({ spentSoFar: 980, rewardAmount: 20 }, config);

    // Assess
    expect(decision).toEqual({ kind: 'queue-for-next-month' });
    expect(fits).toEqual({ kind: 'grant', amount: 20 });
  });

  it('scales a reward down to what is left, in whole steps, and queues below one step', () => {
    // Prepare: 1000 budget in cents, steps of 100 (one currency unit).
    const config = RewardBudgetConfig.parse({ monthlyBudget: 1000, whenExhausted: 'scale-down', scaleDownStep: 100 });

    // Act
    const scaled = allocateReward({ spentSoFar: 250, rewardAmount: 2000 }, config);
    const tooLittle = allocateReward({ spentSoFar: 950, rewardAmount: 2000 }, config);

    // Assess: 1000 − 250 = 750 left → 700 in steps of 100; 50 left → less than a step.
    expect(scaled).toEqual({ kind: 'scale-down', amount: 700 });
    expect(tooLittle).toEqual({ kind: 'queue-for-next-month' });
  });

  it('never lets granted amounts exceed the budget', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 5000 }),
        fc.constantFrom('queue-for-next-month' as const, 'scale-down' as const),
        fc.array(fc.integer({ min: 1, max: 400 }), { maxLength: 50 }),
        (monthlyBudget, whenExhausted, rewards) => {
          // Prepare
          const config = RewardBudgetConfig.parse({ monthlyBudget, whenExhausted });
          let spent = 0;

          // Act
          for (const rewardAmount of rewards) {
            const decision = allocateReward({ spentSoFar: spent, rewardAmount }, config);
            if (decision.kind !== 'queue-for-next-month') spent += decision.amount;
          }

          // Assess
          expect(spent).toBeLessThanOrEqual(monthlyBudget);
        },
      ),
    );
  });
});

describe('budgeting a referral coupon', () => {
  const coupon = {
    id: 'referral-signup#a#b',
    userId: 'a',
    reason: 'referral-signup' as const,
    discount: { kind: 'amount-off' as const, amount: 20 },
    issuedAt: '2025-06-02T00:00:00.000Z',
  };

  it('holds a 20 coupon for next month when only 5 of 100 are left in queue mode, and cuts it to 5 in scale-down mode', () => {
    // Prepare
    const queue = RewardBudgetConfig.parse({ monthlyBudget: 100, whenExhausted: 'queue-for-next-month' });
    const scale = RewardBudgetConfig.parse({ monthlyBudget: 100, whenExhausted: 'scale-down' });

    // Act
    const queued = budgetCoupon(coupon, 95, queue);
    const scaled = budgetCoupon(coupon, 95, scale);

    // Assess
    expect(queued).toEqual({ kind: 'queued-for-next-month', coupon });
    expect(scaled).toEqual({ kind: 'issue-now', coupon: { ...coupon, discount: { kind: 'amount-off', amount: 5 } }, scaledDown: true });
  });
});
