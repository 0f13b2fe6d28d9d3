/**
 * The Gamma–Gamma model of spend per transaction (Fader & Hardie 2013, "The Gamma-Gamma Model of
 * Monetary Value"; Fader, Hardie & Lee 2005, "RFM and CLV"): a customer's transaction values are
 * Gamma(p, ν) and ν ~ Gamma(q, v) across customers, independent of the purchase process.
 */
import { z } from 'zod';
import { InvalidModelInputError, ModelFitError } from './errors';
import { hessianFromGradient, invertMatrix, minimizeBfgs, minimizeNelderMead, type ValueAndGradient } from './optimize';
import { digamma, logGamma } from './special-functions';

/** Gamma–Gamma parameters p (shape of spend), q and v (shape and scale of the spend rate ν). */
export const GammaGammaParams = z.object({
  p: z.number().positive().finite(),
  q: z.number().positive().finite(),
  v: z.number().positive().finite(),
});
export type GammaGammaParams = z.infer<typeof GammaGammaParams>;

/** A customer's repeat purchases: how many, and their mean value. */
export interface SpendHistory {
  frequency: number;
  monetaryValue: number;
}

/** The result of a Gamma–Gamma fit. */
export interface GammaGammaFit {
  params: GammaGammaParams;
  logLikelihood: number;
  /** Customers used in the fit (frequency > 0 and monetary value > 0). */
  n: number;
  /** Customers left out: no repeat purchase, or no spend. */
  excluded: number;
  converged: boolean;
  iterations: number;
  standardErrors: GammaGammaParams | null;
}

/** log-density of a customer's mean spend m̄ over x transactions (note 025, eq. 1a). */
export function gammaGammaCustomerLogLikelihood(params: GammaGammaParams, customer: SpendHistory): number {
  const { p, q, v } = params;
  const { frequency: x, monetaryValue: m } = customer;
  return (
    logGamma(p * x + q) - logGamma(p * x) - logGamma(q) + q * Math.log(v) + (p * x - 1) * Math.log(m) + p * x * Math.log(x) - (p * x + q) * Math.log(x * m + v)
  );
}

/** Whether a customer can inform the spend model: at least one repeat purchase with positive spend. */
export function isSpendModelCustomer(customer: SpendHistory): boolean {
  return customer.frequency > 0 && customer.monetaryValue > 0 && Number.isFinite(customer.monetaryValue);
}

/**
 * Maximum-likelihood fit on the customers with frequency > 0 and monetary value > 0; the others are
 * counted in `excluded`. BFGS with analytic gradient on log-parameters, Nelder–Mead as a fallback.
 */
export function fitGammaGamma(customers: readonly SpendHistory[], options: { start?: GammaGammaParams } = {}): GammaGammaFit {
  const included: SpendHistory[] = [];
  customers.forEach((customer, index) => {
    if (!Number.isInteger(customer.frequency) || customer.frequency < 0) {
      throw new InvalidModelInputError(`customer ${index}: frequency must be a non-negative integer, got ${customer.frequency}`, {
        index,
        field: 'frequency',
        value: customer.frequency,
      });
    }
    if (!(customer.monetaryValue >= 0)) {
      throw new InvalidModelInputError(`customer ${index}: monetary value must be a non-negative number, got ${customer.monetaryValue}`, {
        index,
        field: 'monetaryValue',
        value: customer.monetaryValue,
      });
    }
    if (isSpendModelCustomer(customer)) included.push(customer);
  });
  if (included.length < 2) throw new ModelFitError(`Gamma–Gamma needs at least 2 customers with repeat purchases and spend, got ${included.length}`);

  // Money is rescaled to a mean of 1: v carries the currency unit and is scaled back at the end.
  let meanSpend = 0;
  for (const customer of included) meanSpend += customer.monetaryValue / included.length;
  const moneyScale = 1 / meanSpend;
  const objective = gammaGammaObjective(included, moneyScale);
  const start = options.start ?? { p: 1, q: 2, v: meanSpend };
  const startPoint = [Math.log(start.p), Math.log(start.q), Math.log(start.v * moneyScale)];
  let result = minimizeBfgs(objective, startPoint);
  let iterations = result.iterations;
  if (!result.converged) {
    const scratch = [0, 0, 0];
    const simplex = minimizeNelderMead((point) => objective(point, scratch), result.point, { pointTolerance: 1e-6, valueTolerance: 1e-12 });
    result = minimizeBfgs(objective, simplex.point);
    iterations += simplex.iterations + result.iterations;
  }
  const [logP = 0, logQ = 0, logV = 0] = result.point;
  const params: GammaGammaParams = { p: Math.exp(logP), q: Math.exp(logQ), v: Math.exp(logV) / moneyScale };
  return {
    params,
    // The objective is the mean over money rescaled by s: each density gains log s, undone here.
    logLikelihood: -result.value * included.length + included.length * Math.log(moneyScale),
    n: included.length,
    excluded: customers.length - included.length,
    converged: result.converged,
    iterations,
    standardErrors: standardErrors(objective, result.point, included.length, params),
  };
}

/**
 * The mean negative log-likelihood over [log p, log q, log v] and its gradient (exported for
 * gradient checks). The terms in log m̄ and log x do not depend on the parameters and are summed
 * once; the log-gammas and digammas are computed once per distinct x; each customer then costs one
 * log and one division.
 */
export function gammaGammaObjective(customers: readonly SpendHistory[], moneyScale: number): ValueAndGradient {
  const count = customers.length;
  const frequencies = Float64Array.from(customers, (customer) => customer.frequency);
  const spends = Float64Array.from(customers, (customer) => customer.frequency * customer.monetaryValue * moneyScale);
  const customersByFrequency = new Map<number, number>();
  // Σ x (log m̄ + log x) and Σ log m̄: the parameter-free parts of (px − 1) log m̄ + px log x.
  let frequencyWeightedLogs = 0;
  let sumLogMeans = 0;
  for (let i = 0; i < count; i += 1) {
    const x = frequencies[i] ?? 0;
    const logMean = Math.log((spends[i] ?? 0) / x);
    frequencyWeightedLogs += x * (logMean + Math.log(x));
    sumLogMeans += logMean;
    customersByFrequency.set(x, (customersByFrequency.get(x) ?? 0) + 1);
  }
  const distinct = Float64Array.from(customersByFrequency.keys());
  const multiplicity = Float64Array.from(customersByFrequency.values());
  return (point, gradient) => {
    const p = Math.exp(point[0] ?? 0);
    const q = Math.exp(point[1] ?? 0);
    const v = Math.exp(point[2] ?? 0);
    const logV = Math.log(v);
    const logGammaQ = logGamma(q);
    const digammaQ = digamma(q);
    let total = p * frequencyWeightedLogs - sumLogMeans;
    let gradP = frequencyWeightedLogs;
    let gradQ = 0;
    for (let d = 0; d < distinct.length; d += 1) {
      const x = distinct[d] ?? 0;
      const customersWithX = multiplicity[d] ?? 0;
      const digammaSum = digamma(p * x + q);
      total += customersWithX * (logGamma(p * x + q) - logGamma(p * x) - logGammaQ + q * logV);
      gradP += customersWithX * x * (digammaSum - digamma(p * x));
      gradQ += customersWithX * (digammaSum - digammaQ + logV);
    }
    let sumLogs = 0;
    let sumFrequencyLogs = 0;
    let sumInverse = 0;
    let sumFrequencyInverse = 0;
    for (let i = 0; i < count; i += 1) {
      const x = frequencies[i] ?? 0;
      const spendPlusV = (spends[i] ?? 0) + v;
      const logSpendPlusV = Math.log(spendPlusV);
      const inverse = 1 / spendPlusV;
      sumLogs += logSpendPlusV;
      sumFrequencyLogs += x * logSpendPlusV;
      sumInverse += inverse;
      sumFrequencyInverse += x * inverse;
    }
    total -= p * sumFrequencyLogs + q * sumLogs;
    gradP -= sumFrequencyLogs;
    gradQ -= sumLogs;
    const gradV = (count * q) / v - p * sumFrequencyInverse - q * sumInverse;
    gradient[0] = (-gradP * p) / count;
    gradient[1] = (-gradQ * q) / count;
    gradient[2] = (-gradV * v) / count;
    return -total / count;
  };
}

function standardErrors(objective: ValueAndGradient, point: readonly number[], count: number, params: GammaGammaParams): GammaGammaParams | null {
  const covariance = invertMatrix(hessianFromGradient(objective, point).map((row) => row.map((entry) => entry * count)));
  if (!covariance) return null;
  const logErrors = covariance.map((row, i) => Math.sqrt(row[i] ?? Number.NaN));
  if (logErrors.some((value) => !Number.isFinite(value))) return null;
  return { p: params.p * (logErrors[0] ?? 0), q: params.q * (logErrors[1] ?? 0), v: params.v * (logErrors[2] ?? 0) };
}

/**
 * E[mean spend | x, m̄] (note 025, eq. 5): a weighted average of the population mean vp/(q-1) and
 * the customer's own mean, the weight px/(px+q-1) growing with the number of transactions. For
 * x = 0 it is the population mean. Needs q > 1 for a finite population mean.
 */
export function gammaGammaExpectedAverageSpend(params: GammaGammaParams, customer: SpendHistory): number {
  const { p, q, v } = params;
  const x = customer.frequency;
  const m = x > 0 ? customer.monetaryValue : 0;
  return (p * (v + x * m)) / (p * x + q - 1);
}
