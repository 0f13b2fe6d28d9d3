/**
 * Simulated populations from known BG/NBD and Gamma–Gamma parameters, for parameter-recovery
 * tests and benchmarks. Seeded, so the same call gives the same customers everywhere.
 */
import type { BgnbdParams, PurchaseHistory } from './bgnbd';
import type { GammaGammaParams } from './gamma-gamma';
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
