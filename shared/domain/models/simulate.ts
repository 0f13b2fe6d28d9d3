/**
 * Simulated populations from known BG/NBD and Gamma–Gamma parameters, for parameter-recovery
 * tests and benchmarks. Seeded, so the same call gives the same customers everywhere.
 */
import type { BgnbdParams, PurchaseHistory } from './bgnbd';
import type { GammaGammaParams } from './gamma-gamma';
import type { UserFeatures } from './scoring';
import { sampleBeta, sampleExponential, sampleGamma, seededRandom, type RandomSource } from './random';

/** A simulated customer: the BG/NBD summary plus the mean spend of the repeat purchases. */
export interface SimulatedCustomer extends PurchaseHistory {
  /** Mean of the repeat purchases' amounts (0 when there is none). */
  monetaryValue: number;
}

/** How to simulate: population size, parameters, and the range of customer ages T. */
export interface SimulationSpec {
  customers: number;
  bgnbd: BgnbdParams;
  gammaGamma?: GammaGammaParams;
  /** Ages are drawn uniformly from [minAge, maxAge] (a cohort acquired over a window). */
  minAge: number;
  maxAge: number;
  seed: number;
}

/**
 * Draws λ ~ Gamma(r, α) and p ~ Beta(a, b) per customer, runs the Poisson process over (0, T],
 * with a dropout coin after every repeat purchase, exactly as the BG/NBD story goes; spend per
 * transaction is Gamma(p, ν) with ν ~ Gamma(q, v) (Fader & Hardie's Gamma–Gamma).
 */
export function simulateCustomers(spec: SimulationSpec): SimulatedCustomer[] {
  const random = seededRandom(spec.seed);
  const customers: SimulatedCustomer[] = [];
  for (let index = 0; index < spec.customers; index += 1) {
    const T = spec.minAge + (spec.maxAge - spec.minAge) * random.uniform();
    customers.push(simulateOne(random, spec, T));
  }
  return customers;
}

function simulateOne(random: RandomSource, spec: SimulationSpec, T: number): SimulatedCustomer {
  const { r, alpha, a, b } = spec.bgnbd;
  const rate = sampleGamma(random, r, alpha);
  const dropout = sampleBeta(random, a, b);
  let time = 0;
  let frequency = 0;
  let recency = 0;
  for (;;) {
    time += sampleExponential(random, rate);
    if (time > T) break;
    frequency += 1;
    recency = time;
    if (random.uniform() < dropout) break;
  }
  let monetaryValue = 0;
  if (spec.gammaGamma && frequency > 0) {
    const { p, q, v } = spec.gammaGamma;
    const spendRate = sampleGamma(random, q, v);
    let total = 0;
    for (let k = 0; k < frequency; k += 1) total += sampleGamma(random, p, spendRate);
    monetaryValue = total / frequency;
  }
  return { frequency, recency, T, monetaryValue };
}

/**
 * A synthetic population of scoring features (weekly purchase summaries, daily activity), for the
 * scoring benchmark and tests: purchase histories from BG/NBD and Gamma–Gamma, activity loosely
 * tied to them. Whole-week ages, as the nightly job produces.
 */
export function simulateUserFeatures(count: number, seed: number): UserFeatures[] {
  const random = seededRandom(seed);
  const spec: SimulationSpec = {
    customers: 1,
    bgnbd: { r: 0.24, alpha: 4.41, a: 0.79, b: 2.43 },
    gammaGamma: { p: 6.25, q: 3.74, v: 15.44 },
    minAge: 0,
    maxAge: 0,
    seed,
  };
  const users: UserFeatures[] = [];
  for (let index = 0; index < count; index += 1) {
    const daysSinceLastActivity = Math.floor(sampleExponential(random, 1 / 20));
    const sessionsLast7Days = daysSinceLastActivity < 7 ? Math.floor(random.uniform() * 15) : 0;
    const sessionsPrior28Days = Math.floor(random.uniform() * 40);
    const sessionsLast28Days = Math.min(sessionsPrior28Days, Math.floor(random.uniform() * 30)) + sessionsLast7Days;
    const messagesReceived30Days = Math.floor(random.uniform() * 6);
    const opens = Math.floor(random.uniform() * (messagesReceived30Days + 1));
    const base = {
      userId: `user-${String(index).padStart(8, '0')}`,
      daysSinceLastActivity,
      sessionsLast7Days,
      sessionsPrior28Days,
      coreFeatureUsesLast28Days: Math.floor(random.uniform() * 2 * sessionsLast28Days),
      sessionsLast28Days,
      featureUsesPerSessionRecent: random.uniform() * 5,
      featureUsesPerSessionBefore: random.uniform() * 5,
      messagesReceived30Days,
      messageOpens30Days: opens,
      messageClicks30Days: Math.floor(random.uniform() * (opens + 1)),
    };
    if (random.uniform() < 0.3) {
      users.push({ ...base, daysSinceLastPurchase: null, purchases: null });
      continue;
    }
    const T = Math.floor(random.uniform() * 104);
    const customer = simulateOne(random, spec, T);
    const recency = Math.floor(customer.recency);
    users.push({
      ...base,
      daysSinceLastPurchase: (T - recency) * 7,
      purchases: {
        frequency: customer.frequency,
        recency,
        T,
        monetaryValue: customer.monetaryValue,
        totalSpend: customer.monetaryValue * (customer.frequency + 1),
      },
    });
  }
  return users;
}
