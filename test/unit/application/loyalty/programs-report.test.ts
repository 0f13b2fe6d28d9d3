import { describe, expect, it } from 'vitest';
import { checkInNow, enrollInCheckin, programsReport, signUpWithCode, referralCodeOf } from '../../../../shared/application/loyalty';
import { DEFAULT_PROGRAM_ID } from '../../../../shared/domain/loyalty';
import { fakeLoyaltyPorts } from '../../../support/fakes/loyalty-ports';

const DAY = 86_400_000;
const start = Date.parse('2025-03-01T01:00:00Z'); // 09:00 in Shanghai

describe('the programs report (check-in funnel by program day, referrals, budget)', () => {
  it('counts enrolled, on-streak users per program day and completions once each, from the check-ins as they happen', async () => {
    // Prepare: three users; a checks in all 21 days, b days 1–3 then misses day 4, c never checks in.
    const ports = fakeLoyaltyPorts({ at: new Date(start).toISOString() });
    for (const userId of ['a', 'b', 'c']) await enrollInCheckin(ports, { userId, timeZone: 'Asia/Shanghai' });
    await enrollInCheckin(ports, { userId: 'a', timeZone: 'Asia/Shanghai' });

    // Act
    for (let day = 0; day < 21; day += 1) {
      ports.clock.set(new Date(start + day * DAY).toISOString());
      await checkInNow(ports, { userId: 'a' });
      await checkInNow(ports, { userId: 'a' }); // a repeat the same day counts nothing
      if (day < 3 || day === 5) await checkInNow(ports, { userId: 'b' });
    }
    const report = await programsReport(ports, { month: '2025-03' });

    // Assess
    const funnel = report.programs.find((program) => program.programId === DEFAULT_PROGRAM_ID)!;
    expect(funnel.enrolled).toBe(3);
    expect(funnel.days).toHaveLength(21);
    expect(funnel.days.slice(0, 5)).toEqual([
      { day: 1, onStreak: 2 },
      { day: 2, onStreak: 2 },
      { day: 3, onStreak: 2 },
      { day: 4, onStreak: 1 },
      { day: 5, onStreak: 1 },
    ]);
    expect(funnel.days.at(-1)).toEqual({ day: 21, onStreak: 1 });
    expect(funnel.completed).toBe(1);
    expect(report.programs.find((program) => program.programId === 'onboarding-7')).toMatchObject({ enrolled: 0, completed: 0 });
  });

  it('counts the month’s referred sign-ups and reads the month’s budget', async () => {
    // Prepare
    const ports = fakeLoyaltyPorts({ at: '2025-03-10T08:00:00Z' });
    const { code } = await referralCodeOf(ports, 'referrer');
    ports.clock.set('2025-03-11T08:00:00Z');

    // Act
    await signUpWithCode(ports, { refereeId: 'new-1', code });
    await signUpWithCode(ports, { refereeId: 'new-2', code });
    await signUpWithCode(ports, { refereeId: 'new-2', code }); // refused: already referred
    await signUpWithCode(ports, { refereeId: 'referrer', code }); // refused: self-referral
    const march = await programsReport(ports, { month: '2025-03' });
    const april = await programsReport(ports, { month: '2025-04' });

    // Assess
    expect(march.referrals.signedUp).toBe(2);
    expect(march.budget).toEqual({ monthlyBudget: ports.rules.budget.monthlyBudget, spent: await ports.budget.spent('2025-03'), queuedCoupons: 0 });
    expect(march.budget.spent).toBeGreaterThan(0);
    expect(april.referrals.signedUp).toBe(0);
  });
});
