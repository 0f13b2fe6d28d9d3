/**
 * Model benchmarks: BG/NBD and Gamma–Gamma fit times and the scoring core's throughput, each
 * against a baseline measured in the same run.
 *
 * The reference Python library (lifetimes) cannot be installed here, so the fit baseline is what
 * lifetimes does, written plainly in TypeScript: the per-customer log-likelihood (no compression,
 * log-gammas per customer), time scaled so the largest T is 1, scipy's Nelder–Mead from
 * log-parameters all 1 with tol 1e-7 and at most 2000 iterations. It is not lifetimes itself.
 */
import { performance } from 'node:perf_hooks';
import {
  bgnbdCustomerLogLikelihood,
  fitBgnbd,
  fitGammaGamma,
  gammaGammaCustomerLogLikelihood,
  isSpendModelCustomer,
  minimizeNelderMead,
  parseScoringConfig,
  scorePopulation,
  simulateCustomers,
  simulateUserFeatures,
  type BgnbdParams,
  type GammaGammaParams,
  type SimulatedCustomer,
  type UserFeatures,
} from '../shared/domain/models';

/** One benchmark figure with its same-run baseline. */
export type BenchRow = {
  name: string;
  measured: number;
  unit: string;
  baselineName: string;
  baseline: number;
  /** For times: baseline / measured (a speed-up); for throughputs: measured / baseline. */
  ratio: number;
  target?: string;
};

const TRUE_BGNBD: BgnbdParams = { r: 0.24, alpha: 4.41, a: 0.79, b: 2.43 };
const TRUE_GAMMA_GAMMA: GammaGammaParams = { p: 6.25, q: 3.74, v: 15.44 };

function timed<T>(work: () => T): { result: T; seconds: number } {
  const started = performance.now();
  const result = work();
  return { result, seconds: (performance.now() - started) / 1000 };
}

/** The lifetimes-style BG/NBD fit: per-customer likelihood, Nelder–Mead from log-parameters 1. */
export function baselineFitBgnbd(customers: readonly SimulatedCustomer[]): BgnbdParams {
  const scale = 1 / Math.max(...customers.map((customer) => customer.T));
  const scaled = customers.map((customer) => ({ frequency: customer.frequency, recency: customer.recency * scale, T: customer.T * scale }));
  const objective = (point: readonly number[]): number => {
    const params = { r: Math.exp(point[0] ?? 0), alpha: Math.exp(point[1] ?? 0), a: Math.exp(point[2] ?? 0), b: Math.exp(point[3] ?? 0) };
    let total = 0;
    for (const customer of scaled) total += bgnbdCustomerLogLikelihood(params, customer);
    return -total / scaled.length;
  };
  const result = minimizeNelderMead(objective, [1, 1, 1, 1], { pointTolerance: 1e-7, valueTolerance: 1e-7, maxIterations: 2000 });
  const [logR = 0, logAlpha = 0, logA = 0, logB = 0] = result.point;
  return { r: Math.exp(logR), alpha: Math.exp(logAlpha) / scale, a: Math.exp(logA), b: Math.exp(logB) };
}

/** The lifetimes-style Gamma–Gamma fit. */
export function baselineFitGammaGamma(customers: readonly SimulatedCustomer[]): GammaGammaParams {
  const included = customers.filter(isSpendModelCustomer);
  const objective = (point: readonly number[]): number => {
    const params = { p: Math.exp(point[0] ?? 0), q: Math.exp(point[1] ?? 0), v: Math.exp(point[2] ?? 0) };
    let total = 0;
    for (const customer of included) total += gammaGammaCustomerLogLikelihood(params, customer);
    return -total / included.length;
  };
  const result = minimizeNelderMead(objective, [1, 1, 1], { pointTolerance: 1e-7, valueTolerance: 1e-7, maxIterations: 2000 });
  const [logP = 0, logQ = 0, logV = 0] = result.point;
  return { p: Math.exp(logP), q: Math.exp(logQ), v: Math.exp(logV) };
}

function largestRelativeDifference(left: Record<string, number>, right: Record<string, number>): number {
  return Math.max(...Object.keys(left).map((name) => Math.abs((left[name] ?? 0) - (right[name] ?? 0)) / Math.abs(right[name] ?? 1)));
}

/** Reading every field the scoring core reads: the floor under any scoring implementation. */
function readFeatures(users: readonly UserFeatures[]): number {
  let checksum = 0;
  for (const user of users) {
    checksum += user.daysSinceLastActivity + user.sessionsLast7Days + user.sessionsPrior28Days + user.messagesReceived30Days + user.userId.length;
    if (user.purchases) checksum += user.purchases.frequency + user.purchases.T + user.purchases.monetaryValue;
  }
  return checksum;
}

function bestOf<T>(runs: number, work: () => T): number {
  let best = Number.POSITIVE_INFINITY;
  for (let run = 0; run < runs; run += 1) best = Math.min(best, timed(work).seconds);
  return best;
}

/** Runs the model benchmarks (about half a minute on a laptop core). */
export async function runModelBenchmarks(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  for (const size of [2_000, 20_000]) {
    const customers = simulateCustomers({ customers: size, bgnbd: TRUE_BGNBD, gammaGamma: TRUE_GAMMA_GAMMA, minAge: 27, maxAge: 39, seed: size });
    // Warm the JIT on both paths once so neither pays for compilation alone.
    fitBgnbd(customers.slice(0, 200));
    const fit = timed(() => fitBgnbd(customers));
    const baseline = timed(() => baselineFitBgnbd(customers));
    rows.push({
      name: `BG/NBD fit, ${size.toLocaleString('en')} customers`,
      measured: fit.seconds,
      unit: 's',
      baselineName: 'lifetimes-style Nelder–Mead, per-customer likelihood (TypeScript)',
      baseline: baseline.seconds,
      ratio: baseline.seconds / fit.seconds,
      target: '≥ 5x faster than lifetimes',
    });
    rows.push({
      name: `BG/NBD estimates vs baseline, ${size.toLocaleString('en')} customers`,
      measured: largestRelativeDifference(fit.result.params, baseline.result),
      unit: 'max relative difference',
      baselineName: 'half a unit in the 3rd significant figure',
      baseline: 5e-4,
      ratio: largestRelativeDifference(fit.result.params, baseline.result) / 5e-4,
      target: '≤ 1 (same to 3 significant figures)',
    });
    const spendFit = timed(() => fitGammaGamma(customers));
    const spendBaseline = timed(() => baselineFitGammaGamma(customers));
    rows.push({
      name: `Gamma–Gamma fit, ${size.toLocaleString('en')} customers (${spendFit.result.n} repeat)`,
      measured: spendFit.seconds,
      unit: 's',
      baselineName: 'lifetimes-style Nelder–Mead, per-customer likelihood (TypeScript)',
      baseline: spendBaseline.seconds,
      ratio: spendBaseline.seconds / spendFit.seconds,
      target: '≥ 5x faster than lifetimes',
    });
    rows.push({
      name: `Gamma–Gamma estimates vs baseline, ${size.toLocaleString('en')} customers`,
      measured: largestRelativeDifference(spendFit.result.params, spendBaseline.result),
      unit: 'max relative difference',
      baselineName: 'half a unit in the 3rd significant figure',
      baseline: 5e-4,
      ratio: largestRelativeDifference(spendFit.result.params, spendBaseline.result) / 5e-4,
      target: '≤ 1 (same to 3 significant figures)',
    });
  }

  const users = simulateUserFeatures(200_000, 1);
  const params = { bgnbd: TRUE_BGNBD, gammagamma: TRUE_GAMMA_GAMMA };
  const config = parseScoringConfig({});
  scorePopulation(users.slice(0, 20_000), params, config);
  const scoringSeconds = bestOf(3, () => scorePopulation(users, params, config));
  const readingSeconds = bestOf(3, () => readFeatures(users));
  const scoringRate = users.length / scoringSeconds;
  const readingRate = users.length / readingSeconds;
  rows.push({
    name: 'Scoring core, 200,000 users, one core (best of 3)',
    measured: scoringRate,
    unit: 'users/s',
    baselineName: 'reading the same feature fields only',
    baseline: readingRate,
    ratio: scoringRate / readingRate,
    target: '≥ 500,000 users/s',
  });
  return rows;
}
