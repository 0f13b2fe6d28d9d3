import { describe, expect, it } from 'vitest';
import { prepareRun } from '../../../../shared/application/scoring/prepare-run';
import { addDays, fixedClock } from '../../../../shared/domain/common';
import { emptyDay, type DailyActivity } from '../../../../shared/domain/events/daily-activity';
import { fitBgnbd, ScoringConfig, type PurchaseHistory } from '../../../../shared/domain/models';
import { simulateCustomers } from '../../../../shared/domain/models/simulate';
import {
  DEFAULT_MODEL_PARAMS,
  defaultParameterSet,
  type ModelParameterSet,
  type ModelParamsStore,
  type ScannedUser,
  type ScoringSettings,
} from '../../../../shared/domain/scoring-run';
import { InMemoryRuns } from '../../../support/fakes/scoring-runs';

/** The run day: a Monday, so whole weeks back from it start on Mondays (the weekly periods). */
const RUN_DATE = '2025-03-17';
const clock = fixedClock(`${RUN_DATE}T18:00:00.000Z`);
const TRUE_BGNBD = { r: 0.8, alpha: 6, a: 0.6, b: 2.4 };

const settings: ScoringSettings = {
  totalSegments: 4,
  refitEveryDays: 7,
  sampleUsers: 5_000,
  config: ScoringConfig.parse({}),
  coreFeatures: new Set(),
};

/**
 * Simulated customers (known BG/NBD parameters, whole-week ages) as the nightly scan would read
 * them: one purchase day per purchase week, on the week's Monday. Returns the users and the weekly
 * purchase histories they stand for, computed here without the scoring code.
 */
function simulatedUsers(count: number, seed: number): { users: ScannedUser[]; histories: PurchaseHistory[] } {
  const customers = simulateCustomers({ customers: count, bgnbd: TRUE_BGNBD, minAge: 26, maxAge: 52, seed });
  const users: ScannedUser[] = [];
  const histories: PurchaseHistory[] = [];
  customers.forEach((customer, index) => {
    const userId = `u-${String(index).padStart(5, '0')}`;
    const ageWeeks = Math.round(customer.T);
    // Purchases in one week merge into one period, as they do in the nightly features.
    const lastWeek = Math.min(ageWeeks, Math.floor(customer.recency));
    const frequency = Math.min(customer.frequency, lastWeek);
    const weeks = [0, ...Array.from({ length: frequency }, (_, k) => (k === frequency - 1 ? lastWeek : k + 1))];
    const days: DailyActivity[] = weeks.map((week) => {
      const day = addDays(RUN_DATE, -7 * (ageWeeks - week));
      return { ...emptyDay(userId, day), eventCount: 1, sessions: 1, purchases: 1, purchaseAmount: 20 + (index % 7) * 5 };
    });
    users.push({ userId, createdAt: `${days[0]!.day}T09:00:00.000Z`, days });
    histories.push({ frequency, recency: frequency === 0 ? 0 : lastWeek, T: ageWeeks });
  });
  return { users, histories };
}

class InMemoryParams implements ModelParamsStore {
  readonly sets: ModelParameterSet[] = [];

  async latestOnOrBefore(date: string): Promise<ModelParameterSet | null> {
    return (
      this.sets
        .filter((set) => set.fittedOn <= date)
        .sort((a, b) => a.fittedOn.localeCompare(b.fittedOn))
        .at(-1) ?? null
    );
  }

  async put(params: ModelParameterSet): Promise<void> {
    this.sets.push(params);
  }
}

function fittedSet(fittedOn: string): ModelParameterSet {
  return { version: `params-${fittedOn}`, fittedOn, source: 'fitted', ...DEFAULT_MODEL_PARAMS, customers: 1_000, converged: true };
}

async function prepare(params: InMemoryParams, users: ScannedUser[]) {
  const sampler = { sample: async () => ({ users, readUnits: 1, fraction: 1 }) };
  return prepareRun(
    { runId: `scoring-${RUN_DATE}`, startedAt: clock.now().toISOString(), input: { date: RUN_DATE } },
    { sampler, params, runs: new InMemoryRuns(), clock, settings },
  );
}

describe('the weekly refit of the model parameters', () => {
  const { users, histories } = simulatedUsers(4_000, 2_025);

  it('keeps a set fitted six days ago and scores with it', async () => {
    // Prepare
    const params = new InMemoryParams();
    params.sets.push(fittedSet(addDays(RUN_DATE, -6)));

    // Act
    const prepared = await prepare(params, users);

    // Assess
    expect(prepared.refitted).toBe(false);
    expect(prepared.paramsVersion).toBe(`params-${addDays(RUN_DATE, -6)}`);
    expect(params.sets).toHaveLength(1);
  });

  it('refits a set seven days old on the sample, stores the new set and scores with it', async () => {
    // Prepare
    const params = new InMemoryParams();
    params.sets.push(fittedSet(addDays(RUN_DATE, -7)));

    // Act
    const prepared = await prepare(params, users);

    // Assess: the new set is the maximum-likelihood fit of the sample's weekly histories…
    expect(prepared.refitted).toBe(true);
    expect(prepared.paramsVersion).toBe(`params-${RUN_DATE}`);
    expect(params.sets.map((set) => set.version)).toEqual([`params-${addDays(RUN_DATE, -7)}`, `params-${RUN_DATE}`]);
    const direct = fitBgnbd(histories).params;
    for (const name of ['r', 'alpha', 'a', 'b'] as const) expect(prepared.params.bgnbd[name]).toBeCloseTo(direct[name], 3);
    // …and it recovers the simulation's parameters (loosely: purchases merge into whole weeks)
    expect(prepared.params.bgnbd.r / TRUE_BGNBD.r).toBeGreaterThan(0.75);
    expect(prepared.params.bgnbd.r / TRUE_BGNBD.r).toBeLessThan(1.33);
    expect(prepared.params.bgnbd.alpha / TRUE_BGNBD.alpha).toBeGreaterThan(0.75);
    expect(prepared.params.bgnbd.alpha / TRUE_BGNBD.alpha).toBeLessThan(1.33);
    expect(params.sets[1]).toMatchObject({ source: 'fitted', fittedOn: RUN_DATE, customers: users.length });
  });

  it('refits after a night that kept the defaults exactly as that night would have, from the data and not from the defaults', async () => {
    // Prepare: a first night that stored the defaults (its sample could not be fitted), and one that found nothing stored
    const afterDefaults = new InMemoryParams();
    afterDefaults.sets.push(defaultParameterSet(RUN_DATE));
    const fresh = new InMemoryParams();

    // Act
    const rerun = await prepare(afterDefaults, users);
    const first = await prepare(fresh, users);

    // Assess: the same sample gives the same parameters and cut points, so a re-run rewrites nothing
    expect(rerun.refitted).toBe(true);
    expect(rerun.params).toEqual(first.params);
    expect(rerun.reference).toEqual(first.reference);
  });

  it('fits at once when only the defaults exist, and keeps the defaults when the sample is too thin to fit', async () => {
    // Prepare
    const withHistory = new InMemoryParams();
    const thin = new InMemoryParams();

    // Act
    const fitted = await prepare(withHistory, users);
    const unfitted = await prepare(thin, users.slice(0, 10));

    // Assess
    expect(fitted).toMatchObject({ refitted: true, paramsVersion: `params-${RUN_DATE}` });
    expect(unfitted).toMatchObject({ refitted: false, paramsVersion: 'params-default' });
    expect(thin.sets).toEqual([expect.objectContaining({ source: 'default', fittedOn: RUN_DATE })]);
  });
});
