import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../../infra/local/local-runtime';
import { balanceFromHistory, LedgerEntry, type GrantEntry, type LoyaltyPorts } from '../../../shared/domain/loyalty';
import { call, startTestRuntime } from '../../support/test-runtime';
import { freshUser, servicesOn } from './loyalty-fixtures';

let runtime: LocalRuntime;
let services: LoyaltyPorts;

beforeAll(async () => {
  runtime = await startTestRuntime();
  services = servicesOn(runtime);
}, 240_000);
afterAll(async () => {
  await runtime?.stop();
});

/** Points granted straight into the real ledger (DynamoDB Local), as a check-in would. */
async function grant(userId: string, amount: number): Promise<void> {
  const entry: GrantEntry = {
    kind: 'grant',
    id: `grant#${userId}#seed`,
    userId,
    account: 'points',
    reason: 'checkin',
    amount,
    occurredAt: runtime.clock.now().toISOString(),
  };
  expect((await services.ledger.append(entry)).kind).toBe('appended');
}

const redeem = (userId: string, body: unknown) => call(runtime, 'POST', `/v1/users/${userId}/redemptions`, { body });
const pointsOf = async (userId: string) => (await call(runtime, 'GET', `/v1/users/${userId}/points`)).body as { points: number; history: unknown[] };

describe('redemptions on DynamoDB Local', () => {
  it('answers a repeated redemption id with the first result and refuses a short balance with the balance', async () => {
    // Prepare
    const userId = freshUser();
    await grant(userId, 100);

    // Act
    const first = await redeem(userId, { redemptionId: 'r-1', amount: 70, reference: 'mug' });
    const again = await redeem(userId, { redemptionId: 'r-1', amount: 70, reference: 'mug' });
    const short = await redeem(userId, { redemptionId: 'r-2', amount: 31, reference: 'hat' });
    const invalid = await redeem(userId, { redemptionId: 'r-3', amount: -5, reference: 'hat' });

    // Assess
    expect(first).toMatchObject({ status: 201, body: { kind: 'redeemed', amount: 70, balance: 30 } });
    expect(again).toMatchObject({ status: 200, body: { kind: 'already-redeemed', balance: 30 } });
    expect(short).toMatchObject({ status: 409, body: { kind: 'insufficient-balance', requested: 31, balance: 30 } });
    expect(invalid).toMatchObject({ status: 400, body: { problems: [expect.objectContaining({ path: 'amount' })] } });
    expect((await pointsOf(userId)).points).toBe(30);
  }, 60_000);

  it('never goes below zero under concurrent redemptions (property, on the real ledger)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 120 }),
        fc.array(fc.integer({ min: 1, max: 60 }), { minLength: 2, maxLength: 12 }),
        async (granted, amounts) => {
          // Prepare
          const userId = freshUser();
          if (granted > 0) await grant(userId, granted);

          // Act: all at once, each with its own id, through the API.
          const answers = await Promise.all(amounts.map((amount, index) => redeem(userId, { redemptionId: `r-${index}`, amount, reference: 'item' })));

          // Assess
          expect(answers.map((answer) => answer.status).every((status) => status === 201 || status === 409)).toBe(true);
          const spent = answers.reduce((sum, answer) => sum + (answer.status === 201 ? Number(answer.body.amount) : 0), 0);
          const points = await pointsOf(userId);
          expect(points.points).toBeGreaterThanOrEqual(0);
          expect(points.points).toBe(granted - spent);
          expect(
            balanceFromHistory(
              points.history.map((entry) => LedgerEntry.parse(entry)),
              'points',
            ),
          ).toBe(points.points);
        },
      ),
      { numRuns: 8 },
    );
  }, 240_000);
});
