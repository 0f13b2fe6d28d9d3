/**
 * The BG/NBD model of repeat purchasing (Fader, Hardie & Lee 2005, "Counting Your Customers the
 * Easy Way"): while alive a customer buys as a Poisson process with rate λ ~ Gamma(r, α), and after
 * each repeat purchase drops out with probability p ~ Beta(a, b).
 *
 * Every formula is evaluated in log space. Times are in whatever unit the data uses (days or
 * weeks); α carries that unit, the other parameters are unit-free.
 */
import { z } from 'zod';
import { InvalidModelInputError, ModelFitError } from './errors';
import { hessianFromGradient, invertMatrix, minimizeBfgs, minimizeNelderMead, type ValueAndGradient } from './optimize';
import { digamma, logBeta, logGamma, logHypergeometric2F1 } from './special-functions';

/** BG/NBD parameters: r, α of the purchase-rate Gamma; a, b of the dropout Beta. */
export const BgnbdParams = z.object({
  r: z.number().positive().finite(),
  alpha: z.number().positive().finite(),
  a: z.number().positive().finite(),
  b: z.number().positive().finite(),
});
export type BgnbdParams = z.infer<typeof BgnbdParams>;

/** One customer in BG/NBD form: x repeat purchases, the last at t_x, observed for T since the first. */
export interface PurchaseHistory {
  /** x: number of repeat purchase periods (a non-negative integer). */
  frequency: number;
  /** t_x: time from the first to the last purchase (0 when x = 0). */
  recency: number;
  /** T: time from the first purchase to the end of observation. */
  T: number;
}

/** The result of a maximum-likelihood fit. */
export interface BgnbdFit {
  params: BgnbdParams;
  /** The total log-likelihood at the optimum (sum over customers). */
  logLikelihood: number;
  /** Customers fitted. */
  n: number;
  converged: boolean;
  iterations: number;
  /** Asymptotic standard errors from the observed information (delta method from log-parameters). */
  standardErrors: BgnbdParams | null;
}

/** Rejects histories the model cannot have produced: names the index and the field. */
export function validatePurchaseHistory(customer: PurchaseHistory, index: number): void {
  const { frequency, recency, T } = customer;
  if (!Number.isInteger(frequency) || frequency < 0) {
    throw new InvalidModelInputError(`customer ${index}: frequency must be a non-negative integer, got ${frequency}`, {
      index,
      field: 'frequency',
      value: frequency,
    });
  }
  if (!Number.isFinite(T) || T < 0) {
    throw new InvalidModelInputError(`customer ${index}: T must be a non-negative number, got ${T}`, { index, field: 'T', value: T });
  }
  if (!Number.isFinite(recency) || recency < 0) {
    throw new InvalidModelInputError(`customer ${index}: recency must be a non-negative number, got ${recency}`, { index, field: 'recency', value: recency });
  }
  if (recency > T) {
    throw new InvalidModelInputError(`customer ${index}: recency ${recency} is greater than T ${T}`, { index, field: 'recency', value: recency });
  }
  if (frequency === 0 && recency !== 0) {
    throw new InvalidModelInputError(`customer ${index}: recency must be 0 when frequency is 0, got ${recency}`, { index, field: 'recency', value: recency });
  }
}

/** log L for one customer (FHL 2005 eq. 6), with the x = 0 case handled by the indicator. */
export function bgnbdCustomerLogLikelihood(params: BgnbdParams, customer: PurchaseHistory): number {
  const { r, alpha, a, b } = params;
  const { frequency: x, recency, T } = customer;
  const base = logGamma(r + x) - logGamma(r) + r * Math.log(alpha) + logBeta(a, b + x) - logBeta(a, b);
  const survived = -(r + x) * Math.log(alpha + T);
  if (x === 0) return base + survived;
  const droppedOut = Math.log(a) - Math.log(b + x - 1) - (r + x) * Math.log(alpha + recency);
  const larger = Math.max(survived, droppedOut);
  return base + larger + Math.log(Math.exp(survived - larger) + Math.exp(droppedOut - larger));
}

/** The total log-likelihood of a population. */
export function bgnbdLogLikelihood(params: BgnbdParams, customers: readonly PurchaseHistory[]): number {
  let total = 0;
  for (const customer of customers) total += bgnbdCustomerLogLikelihood(params, customer);
  return total;
}

/**
 * Customers compressed to distinct (x, t_x, T) patterns with weights (as Fader & Hardie do in
 * their spreadsheets), with time rescaled so that the largest T is 1: the likelihood is then
 * evaluated once per pattern and the optimiser works on well-scaled numbers. Summaries in whole
 * days or weeks have few distinct ages and recencies, so log(α + T) and log(α + t_x) are computed
 * once per distinct value, and the log-gammas once per distinct x.
 */
interface CompressedPopulation {
  weights: Float64Array;
  frequencies: Float64Array;
  /** Index into distinctFrequencies for each pattern. */
  frequencyIndex: Int32Array;
  distinctFrequencies: Float64Array;
  /** Index into distinctTimes for each pattern's T and t_x (scaled). */
  ageIndex: Int32Array;
  recencyIndex: Int32Array;
  distinctTimes: Float64Array;
  totalWeight: number;
  /** Σ x over customers: the log-likelihood changes by Σ x · log(scale) when time is rescaled. */
  totalFrequency: number;
  timeScale: number;
}

function compress(customers: readonly PurchaseHistory[]): CompressedPopulation {
  let maxAge = 0;
  let totalFrequency = 0;
  customers.forEach((customer, index) => {
    validatePurchaseHistory(customer, index);
    maxAge = Math.max(maxAge, customer.T);
    totalFrequency += customer.frequency;
  });
  const timeScale = maxAge > 0 ? 1 / maxAge : 1;
  // Nested maps on the numbers themselves: no string keys to build for every customer.
  const patterns = new Map<number, Map<number, Map<number, number>>>();
  const timePosition = new Map<number, number>();
  const distinctTimes: number[] = [];
  const timeIndex = (time: number): number => {
    let position = timePosition.get(time);
    if (position === undefined) {
      position = distinctTimes.length;
      timePosition.set(time, position);
      distinctTimes.push(time * timeScale);
    }
    return position;
  };
  const frequencyPosition = new Map<number, number>();
  const distinctFrequencies: number[] = [];
  const weights: number[] = [];
  const frequencies: number[] = [];
  const frequencyIndex: number[] = [];
  const ageIndex: number[] = [];
  const recencyIndex: number[] = [];
  for (const { frequency, recency, T } of customers) {
    let byAge = patterns.get(frequency);
    if (!byAge) {
      byAge = new Map();
      patterns.set(frequency, byAge);
      frequencyPosition.set(frequency, distinctFrequencies.length);
      distinctFrequencies.push(frequency);
    }
    let byRecency = byAge.get(T);
    if (!byRecency) {
      byRecency = new Map();
      byAge.set(T, byRecency);
    }
    const existing = byRecency.get(recency);
    if (existing !== undefined) {
      weights[existing] = (weights[existing] ?? 0) + 1;
      continue;
    }
    byRecency.set(recency, weights.length);
    weights.push(1);
    frequencies.push(frequency);
    frequencyIndex.push(frequencyPosition.get(frequency) ?? 0);
    ageIndex.push(timeIndex(T));
    recencyIndex.push(timeIndex(recency));
  }
  return {
    weights: Float64Array.from(weights),
    frequencies: Float64Array.from(frequencies),
    frequencyIndex: Int32Array.from(frequencyIndex),
    distinctFrequencies: Float64Array.from(distinctFrequencies),
    ageIndex: Int32Array.from(ageIndex),
    recencyIndex: Int32Array.from(recencyIndex),
    distinctTimes: Float64Array.from(distinctTimes),
    totalWeight: customers.length,
    totalFrequency,
    timeScale,
  };
}

/**
 * The mean negative log-likelihood over log-parameters [log r, log α, log a, log b] and its
 * analytic gradient, over the compressed population. Terms that depend on x alone (log-gammas,
 * digammas) are computed once per distinct x, logs of α + time once per distinct time.
 */
function negativeLogLikelihoodObjective(population: CompressedPopulation): ValueAndGradient {
  const { weights, frequencies, frequencyIndex, distinctFrequencies, ageIndex, recencyIndex, distinctTimes, totalWeight } = population;
  const distinctCount = distinctFrequencies.length;
  const baseByFrequency = new Float64Array(distinctCount);
  const dBaseDr = new Float64Array(distinctCount);
  const dBaseDa = new Float64Array(distinctCount);
  const dBaseDb = new Float64Array(distinctCount);
  const logDropoutOdds = new Float64Array(distinctCount);
  const inverseBShift = new Float64Array(distinctCount);
  const logAlphaPlusTime = new Float64Array(distinctTimes.length);
  const inverseAlphaPlusTime = new Float64Array(distinctTimes.length);
  return (point, gradient) => {
    const r = Math.exp(point[0] ?? 0);
    const alpha = Math.exp(point[1] ?? 0);
    const a = Math.exp(point[2] ?? 0);
    const b = Math.exp(point[3] ?? 0);
    const logAlpha = Math.log(alpha);
    const logGammaR = logGamma(r);
    const digammaR = digamma(r);
    const logBetaAB = logBeta(a, b);
    const digammaAPlusB = digamma(a + b);
    const digammaB = digamma(b);
    for (let d = 0; d < distinctCount; d += 1) {
      const x = distinctFrequencies[d] ?? 0;
      const digammaABX = digamma(a + b + x);
      baseByFrequency[d] = logGamma(r + x) - logGammaR + r * logAlpha + logBeta(a, b + x) - logBetaAB;
      dBaseDr[d] = digamma(r + x) - digammaR + logAlpha;
      dBaseDa[d] = digammaAPlusB - digammaABX;
      dBaseDb[d] = digammaAPlusB + digamma(b + x) - digammaB - digammaABX;
      logDropoutOdds[d] = x > 0 ? Math.log(a) - Math.log(b + x - 1) : Number.NEGATIVE_INFINITY;
      inverseBShift[d] = x > 0 ? 1 / (b + x - 1) : 0;
    }
    for (let k = 0; k < distinctTimes.length; k += 1) {
      const alphaPlusTime = alpha + (distinctTimes[k] ?? 0);
      logAlphaPlusTime[k] = Math.log(alphaPlusTime);
      inverseAlphaPlusTime[k] = 1 / alphaPlusTime;
    }
    let total = 0;
    let gradR = 0;
    // Σ w (r + x)(share / (α + time)): the r/α part of dα is added once at the end.
    let gradAlphaTimes = 0;
    let gradA = 0;
    let gradB = 0;
    for (let i = 0; i < weights.length; i += 1) {
      const weight = weights[i] ?? 0;
      const x = frequencies[i] ?? 0;
      const d = frequencyIndex[i] ?? 0;
      const age = ageIndex[i] ?? 0;
      const logAlphaPlusT = logAlphaPlusTime[age] ?? 0;
      const survived = -(r + x) * logAlphaPlusT;
      if (x === 0) {
        total += weight * ((baseByFrequency[d] ?? 0) + survived);
        gradR += weight * ((dBaseDr[d] ?? 0) - logAlphaPlusT);
        gradAlphaTimes += weight * r * (inverseAlphaPlusTime[age] ?? 0);
        gradA += weight * (dBaseDa[d] ?? 0);
        gradB += weight * (dBaseDb[d] ?? 0);
        continue;
      }
      const recency = recencyIndex[i] ?? 0;
      const logAlphaPlusRecency = logAlphaPlusTime[recency] ?? 0;
      const droppedOut = (logDropoutOdds[d] ?? 0) - (r + x) * logAlphaPlusRecency;
      // log(e^s + e^o) and the share of "dropped out after the last purchase", from one exp.
      let mixture: number;
      let dropoutShare: number;
      if (droppedOut > survived) {
        const ratio = Math.exp(survived - droppedOut);
        mixture = droppedOut + Math.log1p(ratio);
        dropoutShare = 1 / (1 + ratio);
      } else {
        const ratio = Math.exp(droppedOut - survived);
        mixture = survived + Math.log1p(ratio);
        dropoutShare = ratio / (1 + ratio);
      }
      const survivalShare = 1 - dropoutShare;
      total += weight * ((baseByFrequency[d] ?? 0) + mixture);
      gradR += weight * ((dBaseDr[d] ?? 0) - survivalShare * logAlphaPlusT - dropoutShare * logAlphaPlusRecency);
      gradAlphaTimes += weight * (r + x) * (survivalShare * (inverseAlphaPlusTime[age] ?? 0) + dropoutShare * (inverseAlphaPlusTime[recency] ?? 0));
      gradA += weight * ((dBaseDa[d] ?? 0) + dropoutShare / a);
      gradB += weight * ((dBaseDb[d] ?? 0) - dropoutShare * (inverseBShift[d] ?? 0));
    }
    const gradAlpha = (totalWeight * r) / alpha - gradAlphaTimes;
    // Chain rule to log-parameters, negated and averaged.
    gradient[0] = (-gradR * r) / totalWeight;
    gradient[1] = (-gradAlpha * alpha) / totalWeight;
    gradient[2] = (-gradA * a) / totalWeight;
    gradient[3] = (-gradB * b) / totalWeight;
    return -total / totalWeight;
  };
}

/** Options for {@link fitBgnbd}. */
export interface BgnbdFitOptions {
  /** Starting parameters in the data's time unit; by default r = a = b = 1 and α from the mean rate. */
  start?: BgnbdParams;
  maxIterations?: number;
}

/**
 * Maximum-likelihood fit: BFGS with the analytic gradient on log-parameters (so every parameter
 * stays positive), from a start where λ's mean matches the observed repeat rate. Should BFGS stall,
 * a Nelder–Mead pass restarts it. Standard errors come from the observed information.
 */
export function fitBgnbd(customers: readonly PurchaseHistory[], options: BgnbdFitOptions = {}): BgnbdFit {
  if (customers.length === 0) throw new ModelFitError('BG/NBD needs at least one customer to fit');
  const population = compress(customers);
  const objective = negativeLogLikelihoodObjective(population);
  const start = options.start ?? defaultStart(customers);
  const startPoint = [start.r, start.alpha * population.timeScale, start.a, start.b].map(Math.log);
  let result = minimizeBfgs(objective, startPoint, { maxIterations: options.maxIterations ?? 500 });
  let iterations = result.iterations;
  if (!result.converged) {
    const scratch = [0, 0, 0, 0];
    const simplex = minimizeNelderMead((point) => objective(point, scratch), result.point, { pointTolerance: 1e-6, valueTolerance: 1e-12 });
    result = minimizeBfgs(objective, simplex.point, { maxIterations: options.maxIterations ?? 500 });
    iterations += simplex.iterations + result.iterations;
  }
  const [logR = 0, logAlpha = 0, logA = 0, logB = 0] = result.point;
  const params: BgnbdParams = {
    r: Math.exp(logR),
    alpha: Math.exp(logAlpha) / population.timeScale,
    a: Math.exp(logA),
    b: Math.exp(logB),
  };
  return {
    params,
    // The objective is the mean over time-scaled data; undo both without another pass over customers.
    logLikelihood: -result.value * population.totalWeight + population.totalFrequency * Math.log(population.timeScale),
    n: customers.length,
    converged: result.converged,
    iterations,
    standardErrors: standardErrors(objective, result.point, population, params),
  };
}

function defaultStart(customers: readonly PurchaseHistory[]): BgnbdParams {
  let repeatPurchases = 0;
  let exposure = 0;
  for (const customer of customers) {
    repeatPurchases += customer.frequency;
    exposure += customer.T;
  }
  // With r = 1, E[λ] = 1/α: match the pooled repeat-purchase rate.
  const rate = repeatPurchases > 0 && exposure > 0 ? repeatPurchases / exposure : 1;
  return { r: 1, alpha: 1 / rate, a: 1, b: 1 };
}

function standardErrors(objective: ValueAndGradient, point: readonly number[], population: CompressedPopulation, params: BgnbdParams): BgnbdParams | null {
  // The objective is a mean: the information of the total is n times its Hessian.
  const hessian = hessianFromGradient(objective, point).map((row) => row.map((entry) => entry * population.totalWeight));
  const covariance = invertMatrix(hessian);
  if (!covariance) return null;
  const logErrors = covariance.map((row, i) => Math.sqrt(row[i] ?? Number.NaN));
  if (logErrors.some((value) => !Number.isFinite(value))) return null;
  return {
    r: params.r * (logErrors[0] ?? 0),
    alpha: params.alpha * (logErrors[1] ?? 0),
    a: params.a * (logErrors[2] ?? 0),
    b: params.b * (logErrors[3] ?? 0),
  };
}

/**
 * P(alive | x, t_x, T) (Fader, Hardie & Lee 2008, note 021): 1 for x = 0, since in BG/NBD a
 * customer can only drop out right after a repeat purchase.
 */
export function bgnbdProbabilityAlive(params: BgnbdParams, customer: PurchaseHistory): number {
  const { r, alpha, a, b } = params;
  const { frequency: x, recency, T } = customer;
  if (x === 0) return 1;
  const logOdds = Math.log(a) - Math.log(b + x - 1) + (r + x) * (Math.log(alpha + T) - Math.log(alpha + recency));
  return 1 / (1 + Math.exp(logOdds));
}

// At a = 1 the closed forms are 0/0; a nudge this small changes results by about 1e-9 relative.
const A_EQUALS_ONE_NUDGE = 1e-7;

/**
 * E[purchases in (T, T + t] | alive now, x, T]: FHL eq. 10 without its P(alive) factor. With
 * Euler's transformation the ₂F₁ becomes ₂F₁(a+b-1-r, a-1; a+b+x-1; z), whose upper parameters do
 * not grow with x, and the power of (1 - z) folds in:
 *   (a+b+x-1)/(a-1) · [1 - (1-z)^(a-1) ₂F₁(a+b-1-r, a-1; a+b+x-1; z)],  z = t/(α+T+t).
 */
export function bgnbdExpectedPurchasesIfAlive(params: BgnbdParams, horizon: number, frequency: number, T: number): number {
  if (horizon <= 0) return 0;
  const { r, alpha, b } = params;
  const a = Math.abs(params.a - 1) < A_EQUALS_ONE_NUDGE ? 1 + A_EQUALS_ONE_NUDGE : params.a;
  const z = horizon / (alpha + T + horizon);
  const logOneMinusZ = Math.log(alpha + T) - Math.log(alpha + T + horizon);
  const series = logHypergeometric2F1(a + b - 1 - r, a - 1, a + b + frequency - 1, z);
  const logPower = (a - 1) * logOneMinusZ + series.logAbs;
  const bracket = series.sign > 0 ? -Math.expm1(logPower) : series.sign < 0 ? 1 + Math.exp(logPower) : 1;
  return ((a + b + frequency - 1) / (a - 1)) * bracket;
}

/** E[Y(t) | x, t_x, T]: expected repeat purchases in the next `horizon` (FHL eq. 10). */
export function bgnbdConditionalExpectedPurchases(params: BgnbdParams, horizon: number, customer: PurchaseHistory): number {
  return bgnbdProbabilityAlive(params, customer) * bgnbdExpectedPurchasesIfAlive(params, horizon, customer.frequency, customer.T);
}

/**
 * E[X(t)] for a customer just acquired (FHL eq. 9):
 * (a+b-1)/(a-1) · [1 - (α/(α+t))^r ₂F₁(r, b; a+b-1; t/(α+t))], which is the conditional form at
 * x = 0, T = 0.
 */
export function bgnbdExpectedPurchases(params: BgnbdParams, horizon: number): number {
  return bgnbdExpectedPurchasesIfAlive(params, horizon, 0, 0);
}

/**
 * P(X(t) = n) for a customer just acquired (FHL eq. 8): the NBD count for those still alive at t,
 * plus, for n > 0, the chance of dropping out right after the n-th purchase, which needs the NBD
 * tail P(NBD ≥ n) (summed from whichever side is smaller, so neither loses precision).
 */
export function bgnbdProbabilityOfPurchases(params: BgnbdParams, horizon: number, count: number): number {
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`count must be a non-negative integer, got ${count}`);
  const { r, alpha, a, b } = params;
  const logStay = Math.log(alpha) - Math.log(alpha + horizon);
  const logBuy = Math.log(horizon) - Math.log(alpha + horizon);
  const logBetaAB = logBeta(a, b);
  const logNbd = (j: number): number => logGamma(r + j) - logGamma(r) - logGamma(j + 1) + r * logStay + (j === 0 ? 0 : j * logBuy);
  const stillAlive = Math.exp(logBeta(a, b + count) - logBetaAB + logNbd(count));
  if (count === 0) return stillAlive;
  return stillAlive + Math.exp(logBeta(a + 1, b + count - 1) - logBetaAB) * negativeBinomialTail(r, logStay, logBuy, count);
}

/** P(N ≥ n) for N ~ NBD(r, p = α/(α+t)). */
function negativeBinomialTail(r: number, logStay: number, logBuy: number, count: number): number {
  const buy = Math.exp(logBuy);
  let probability = Math.exp(r * logStay);
  let below = 0;
  for (let j = 0; j < count; j += 1) {
    below += probability;
    probability *= ((r + j) / (j + 1)) * buy;
  }
  if (below <= 0.5) return 1 - below;
  // Most mass is below n: sum the tail upward instead of subtracting from 1.
  let tail = 0;
  for (let j = count; j < count + 1_000_000; j += 1) {
    tail += probability;
    if (probability < 1e-17 * tail && (r + j) * buy < j + 1) break;
    probability *= ((r + j) / (j + 1)) * buy;
  }
  return tail;
}
