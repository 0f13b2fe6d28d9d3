import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InMemoryLedgerStore } from '../../support/fakes/ledger-store';
import { type GrantCap, type LedgerAccount, type LedgerEntry, balanceDeltaOf, balanceFromHistory, decideAppend } from '../../../shared/domain/loyalty/ledger';
import { buildExpiryEntry, buildRedemptionEntry, pointsExpiring } from '../../../shared/domain/loyalty/points-expiry';

const at = '2025-05-01T10:00:00.000Z';

function grant(id: string, amount: number, occurredAt = at, userId = 'u1'): LedgerEntry {
  return { kind: 'grant', id, userId, account: 'points', reason: 'checkin', amount, occurredAt };
}

describe('ledger append rule', () => {
  it('refuses a redemption beyond the balance, whole, and leaves the balance untouched', async () => {
    // Prepare
    const store = new InMemoryLedgerStore();
    await store.append(grant('g1', 30));
    const redemption = buildRedemptionEntry({ userId: 'u1', redemptionId: 'r1', amount: 31, reference: 'mug', at: new Date(at) });

    // Act
    const outcome = await store.append(redemption);

    // Assess
    expect(outcome).toEqual({ kind: 'insufficient-balance', entryId: 'redemption#u1#r1', balance: { amount: 30, version: 1 }, requested: 31 });
    expect(await store.balance('u1', 'points')).toEqual({ amount: 30, version: 1 });
  });

  it('answers already-granted for a repeated id even when the expected version is stale', () => {
    // Prepare
    const entry = grant('g1', 10);

    // Act
    const outcome = decideAppend({ entryExists: true, balance: { amount: 10, version: 3 }, countedUnderCap: 0 }, entry, { expectedBalanceVersion: 1 });

    // Assess
    expect(outcome).toEqual({ kind: 'already-granted', entryId: 'g1' });
  });

  it('refuses an append computed from a balance version that has moved on', async () => {
    // Prepare
    const store = new InMemoryLedgerStore();
    await store.append(grant('g1', 10));
    await store.append(grant('g2', 10));

    // Act
    const outcome = await store.append(grant('g3', 5), { expectedBalanceVersion: 1 });

    // Assess
    expect(outcome).toEqual({ kind: 'balance-version-mismatch', entryId: 'g3', expectedVersion: 1, actualVersion: 2 });
    expect((await store.balance('u1', 'points')).amount).toBe(20);
  });

  it('refuses a grant beyond its cap, and answers already-granted to a repeat even once the cap is reached', async () => {
    // Prepare
    const store = new InMemoryLedgerStore();
    const cap: GrantCap = { key: 'incentive#weekly', max: 1 };
    await store.append(grant('g1', 20), { cap });

    // Act
    const beyond = await store.append(grant('g2', 20), { cap });
    const repeat = await store.append(grant('g1', 20), { cap });
    const uncapped = await store.append(grant('g3', 5));

    // Assess
    expect(beyond).toEqual({ kind: 'cap-reached', entryId: 'g2', capKey: 'incentive#weekly', max: 1 });
    expect(repeat).toEqual({ kind: 'already-granted', entryId: 'g1' });
    expect(uncapped.kind).toBe('appended');
    expect(await store.balance('u1', 'points')).toEqual({ amount: 25, version: 2 });
  });

  it('rejects a malformed entry before writing anything', async () => {
    // Prepare
    const store = new InMemoryLedgerStore();

    // Act
    const append = store.append(grant('g1', -5));

    // Assess
    await expect(append).rejects.toThrow(/amount/);
    expect(await store.history('u1')).toEqual([]);
  });
});

describe('points expiry', () => {
  it('expires old points not yet spent, oldest first: (100 + 50) − 120 = 30', () => {
    // Prepare: 100 and 50 granted before the cutoff, 40 after; 120 redeemed.
    const history: LedgerEntry[] = [
      grant('g1', 100, '2025-01-01T00:00:00.000Z'),
      grant('g2', 50, '2025-02-01T00:00:00.000Z'),
      grant('g3', 40, '2025-04-01T00:00:00.000Z'),
      buildRedemptionEntry({ userId: 'u1', redemptionId: 'r1', amount: 120, reference: 'mug', at: new Date('2025-04-02T00:00:00Z') }),
    ];

    // Act
    const expiring = pointsExpiring(history, new Date('2025-03-01T00:00:00Z'));
    const entry = buildExpiryEntry({
      userId: 'u1',
      history,
      balance: { amount: 70, version: 4 },
      grantedBefore: new Date('2025-03-01T00:00:00Z'),
      at: new Date(at),
    });

    // Assess
    expect(expiring).toBe(30);
    expect(entry).toMatchObject({ kind: 'expiry', id: 'expiry#u1#points#2025-03-01', amount: 30 });
  });

  it('builds no expiry entry when everything old was spent', () => {
    // Prepare
    const history: LedgerEntry[] = [
      grant('g1', 10, '2025-01-01T00:00:00.000Z'),
      buildRedemptionEntry({ userId: 'u1', redemptionId: 'r1', amount: 10, reference: 'x', at: new Date('2025-01-02T00:00:00Z') }),
    ];

    // Act
    const entry = buildExpiryEntry({ userId: 'u1', history, balance: { amount: 0, version: 2 }, grantedBefore: new Date(at), at: new Date(at) });

    // Assess
    expect(entry).toBeUndefined();
  });
});

const accountArbitrary = fc.constantFrom<LedgerAccount>('points', 'growth');
const idArbitrary = fc.integer({ min: 0, max: 11 }).map((index) => `e${index}`);
const userArbitrary = fc.constantFrom('u1', 'u2');

const entryArbitrary: fc.Arbitrary<LedgerEntry> = fc.oneof(
  fc
    .record({ id: idArbitrary, userId: userArbitrary, account: accountArbitrary, amount: fc.integer({ min: 1, max: 100 }) })
    .map((fields): LedgerEntry => ({ ...fields, kind: 'grant', reason: 'incentive', occurredAt: at })),
  fc
    .record({ id: idArbitrary, userId: userArbitrary, account: accountArbitrary, amount: fc.integer({ min: 1, max: 150 }) })
    .map((fields): LedgerEntry => ({ ...fields, kind: 'redemption', reference: 'item', occurredAt: at })),
  fc
    .record({ id: idArbitrary, userId: userArbitrary, account: accountArbitrary, amount: fc.integer({ min: 1, max: 80 }) })
    .map((fields): LedgerEntry => ({ ...fields, kind: 'expiry', grantedBefore: at, occurredAt: at })),
  fc
    .record({ id: idArbitrary, userId: userArbitrary, account: accountArbitrary, delta: fc.integer({ min: -60, max: 60 }) })
    .map((fields): LedgerEntry => ({ ...fields, kind: 'adjustment', reason: 'manual-correction', reference: 'ticket', occurredAt: at })),
);

async function assessInvariants(store: InMemoryLedgerStore): Promise<void> {
  for (const userId of ['u1', 'u2']) {
    const history = await store.history(userId);
    const ids = history.map((entry) => entry.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const account of ['points', 'growth'] as const) {
      const balance = await store.balance(userId, account);
      expect(balance.amount).toBe(balanceFromHistory(history, account));
      expect(balance.amount).toBeGreaterThanOrEqual(0);
      expect(balance.version).toBe(history.filter((entry) => entry.account === account).length);
    }
  }
}

describe('ledger properties', () => {
  it('matches a model: duplicates refused, overdrafts refused, balance = sum of entries, never negative', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(entryArbitrary, { maxLength: 60 }), async (entries) => {
        // Prepare
        const store = new InMemoryLedgerStore();
        const seenIds = new Set<string>();
        const modelBalances = new Map<string, number>();

        for (const entry of entries) {
          // Act
          const outcome = await store.append(entry);

          // Assess: the outcome is what the model predicts.
          const key = `${entry.userId}/${entry.account}`;
          const before = modelBalances.get(key) ?? 0;
          const seenKey = `${entry.userId}/${entry.id}`;
          if (seenIds.has(seenKey)) {
            expect(outcome.kind).toBe('already-granted');
          } else if (before + balanceDeltaOf(entry) < 0) {
            expect(outcome.kind).toBe('insufficient-balance');
          } else {
            expect(outcome.kind).toBe('appended');
            seenIds.add(seenKey);
            modelBalances.set(key, before + balanceDeltaOf(entry));
          }
        }
        await assessInvariants(store);
      }),
      { numRuns: 300 },
    );
  });

  it('keeps the invariants when the same entries are appended concurrently', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(entryArbitrary, { maxLength: 40 }), async (entries) => {
        // Prepare
        const store = new InMemoryLedgerStore();

        // Act: every entry twice, all at once.
        await Promise.all([...entries, ...entries].map((entry) => store.append(entry)));

        // Assess
        await assessInvariants(store);
      }),
      { numRuns: 200 },
    );
  });
});

const CAP_MAX = { k1: 1, k2: 3 } as const;
type CapKey = keyof typeof CAP_MAX;
const capKeyArbitrary = fc.constantFrom<CapKey>('k1', 'k2');
const cappedGrantArbitrary = fc
  .record({ id: idArbitrary, userId: userArbitrary, capKey: capKeyArbitrary, amount: fc.integer({ min: 1, max: 100 }) })
  .map(({ capKey, ...fields }) => ({
    capKey,
    entry: { ...fields, kind: 'grant', account: 'points', reason: 'incentive', occurredAt: at } satisfies LedgerEntry,
  }));
const capOf = (capKey: CapKey): GrantCap => ({ key: capKey, max: CAP_MAX[capKey] });

describe('ledger caps', () => {
  it('matches a model: a repeat is already-granted first, then at most max entries per user and cap', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(cappedGrantArbitrary, { maxLength: 40 }), async (grants) => {
        // Prepare
        const store = new InMemoryLedgerStore();
        const seenIds = new Set<string>();
        const counted = new Map<string, number>();

        for (const { entry, capKey } of grants) {
          // Act
          const outcome = await store.append(entry, { cap: capOf(capKey) });

          // Assess
          const countKey = `${entry.userId}/${capKey}`;
          const before = counted.get(countKey) ?? 0;
          if (seenIds.has(`${entry.userId}/${entry.id}`)) {
            expect(outcome.kind).toBe('already-granted');
          } else if (before >= CAP_MAX[capKey]) {
            expect(outcome).toEqual({ kind: 'cap-reached', entryId: entry.id, capKey, max: CAP_MAX[capKey] });
          } else {
            expect(outcome.kind).toBe('appended');
            seenIds.add(`${entry.userId}/${entry.id}`);
            counted.set(countKey, before + 1);
          }
        }
        await assessInvariants(store);
      }),
      { numRuns: 300 },
    );
  });

  it('never lets more than max entries through a cap when the same grants are appended concurrently', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(cappedGrantArbitrary, { maxLength: 40 }), async (grants) => {
        // Prepare
        const store = new InMemoryLedgerStore();
        const attempts = [...grants, ...grants];

        // Act: every grant twice, all at once.
        const outcomes = await Promise.all(attempts.map(({ entry, capKey }) => store.append(entry, { cap: capOf(capKey) })));

        // Assess
        const appendedPerCap = new Map<string, number>();
        outcomes.forEach((outcome, index) => {
          const { entry, capKey } = attempts[index]!;
          if (outcome.kind !== 'appended') return;
          const countKey = `${entry.userId}/${capKey}`;
          const appended = (appendedPerCap.get(countKey) ?? 0) + 1;
          appendedPerCap.set(countKey, appended);
          expect(appended).toBeLessThanOrEqual(CAP_MAX[capKey]);
        });
        expect(outcomes.every((outcome) => ['appended', 'already-granted', 'cap-reached'].includes(outcome.kind))).toBe(true);
        await assessInvariants(store);
      }),
      { numRuns: 200 },
    );
  });
});
