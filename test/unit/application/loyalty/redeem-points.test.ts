import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expireDuePoints, pointsOf, redeemPoints } from '../../../../shared/application/loyalty';
import { MS_PER_DAY } from '../../../../shared/domain/common';
import type { GrantEntry } from '../../../../shared/domain/loyalty';
import { fakeLoyaltyPorts } from '../../../support/fakes/loyalty-ports';

type Ports = ReturnType<typeof fakeLoyaltyPorts>;

async function grant(ports: Ports, userId: string, id: string, amount: number): Promise<void> {
  const entry: GrantEntry = { kind: 'grant', id, userId, account: 'points', reason: 'checkin', amount, occurredAt: ports.clock.now().toISOString() };
  expect((await ports.ledger.append(entry)).kind).toBe('appended');
}

describe('redeeming points', () => {
  it('spends once per redemption id and refuses, with the balance, what the balance cannot cover', async () => {
    // Prepare
    const ports = fakeLoyaltyPorts();
    await grant(ports, 'u1', 'g1', 100);

    // Act
    const first = await redeemPoints(ports, { userId: 'u1', redemptionId: 'r1', amount: 60, reference: 'mug' });
    const again = await redeemPoints(ports, { userId: 'u1', redemptionId: 'r1', amount: 60, reference: 'mug' });
    const short = await redeemPoints(ports, { userId: 'u1', redemptionId: 'r2', amount: 50, reference: 'hat' });

    // Assess
    expect(first).toEqual({ kind: 'redeemed', redemptionId: 'r1', amount: 60, balance: 40 });
    expect(again).toEqual({ kind: 'already-redeemed', redemptionId: 'r1', balance: 40 });
    expect(short).toEqual({ kind: 'insufficient-balance', redemptionId: 'r2', requested: 50, balance: 40 });
    expect((await ports.ledger.balance('u1', 'points')).amount).toBe(40);
  });

  it('never takes the balance below zero, whatever redemptions run at once', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 200 }), fc.array(fc.integer({ min: 1, max: 80 }), { maxLength: 12 }), async (granted, amounts) => {
        // Prepare
        const ports = fakeLoyaltyPorts();
        if (granted > 0) await grant(ports, 'u1', 'g1', granted);

        // Act
        const outcomes = await Promise.all(
          amounts.map((amount, index) => redeemPoints(ports, { userId: 'u1', redemptionId: `r${index}`, amount, reference: 'item' })),
        );

        // Assess
        const spent = outcomes.reduce((sum, outcome) => sum + (outcome.kind === 'redeemed' ? outcome.amount : 0), 0);
        const balance = (await ports.ledger.balance('u1', 'points')).amount;
        expect(balance).toBeGreaterThanOrEqual(0);
        expect(balance).toBe(granted - spent);
      }),
      { numRuns: 60 },
    );
  });
});

describe('points expiry', () => {
  it('takes the oldest points first (FIFO): what was spent came out of the oldest grant', async () => {
    // Prepare: 100 points, 30 spent; a year later 50 more; then the first grant's year is up.
    const ports = fakeLoyaltyPorts();
    const { expireAfterDays } = ports.rules.points;
    await grant(ports, 'u1', 'old', 100);
    ports.clock.advance(10 * MS_PER_DAY);
    await redeemPoints(ports, { userId: 'u1', redemptionId: 'r1', amount: 30, reference: 'mug' });
    ports.clock.advance((expireAfterDays - 20) * MS_PER_DAY);
    await grant(ports, 'u1', 'new', 50);
    const noticed = await pointsOf(ports, 'u1');
    ports.clock.advance(11 * MS_PER_DAY);

    // Act
    const expired = await expireDuePoints(ports, 'u1');
    const expiredAgain = await expireDuePoints(ports, 'u1');

    // Assess: the 70 left of the old grant expired; the new 50 stay.
    expect(noticed.expiringSoon).toEqual({ amount: 70, from: expect.any(String) });
    expect(expired).toBe(70);
    expect(expiredAgain).toBe(0);
    expect((await ports.ledger.balance('u1', 'points')).amount).toBe(50);
  });

  it('expires due points before a redemption, so expired points cannot be spent', async () => {
    // Prepare
    const ports = fakeLoyaltyPorts();
    await grant(ports, 'u1', 'old', 100);
    ports.clock.advance((ports.rules.points.expireAfterDays + 1) * MS_PER_DAY);

    // Act
    const outcome = await redeemPoints(ports, { userId: 'u1', redemptionId: 'r1', amount: 10, reference: 'mug' });

    // Assess
    expect(outcome).toEqual({ kind: 'insufficient-balance', redemptionId: 'r1', requested: 10, balance: 0 });
  });
});
