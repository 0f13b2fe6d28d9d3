import { describe, expect, it } from 'vitest';
import { baselineFitBgnbd, baselineFitGammaGamma } from '../../../bench/models';
import {
  bgnbdCustomerLogLikelihood,
  bgnbdLogLikelihood,
  customerLifetimeValue,
  fitBgnbd,
  fitGammaGamma,
  gammaGammaCustomerLogLikelihood,
  gammaGammaExpectedAverageSpend,
  logBeta,
  logGamma,
  simulateCustomers,
  type BgnbdParams,
  type GammaGammaParams,
} from '../../../shared/domain/models';

// The CDNOW estimates: BG/NBD in weeks (Fader, Hardie & Lee 2005), Gamma–Gamma (note 025).
const CDNOW_BGNBD: BgnbdParams = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
const CDNOW_GAMMA_GAMMA: GammaGammaParams = { p: 6.25, q: 3.74, v: 15.44 };

/** Composite Simpson's rule over [lower, upper] with `intervals` (even) pieces. */
function simpson(integrand: (point: number) => number, lower: number, upper: number, intervals: number): number {
  const width = (upper - lower) / intervals;
  let sum = integrand(lower) + integrand(upper);
  for (let k = 1; k < intervals; k += 1) sum += (k % 2 === 1 ? 4 : 2) * integrand(lower + k * width);
  return (sum * width) / 3;
}

/**
 * E[p/ν | x, m̄] by integrating over the posterior of ν, Gamma(shape px + q, rate v + x·m̄)
 * (Fader, Hardie & Lee 2005, "RFM and CLV", appendix), on a grid in log ν: no closed form used.
 */
function expectedSpendByIntegration(params: GammaGammaParams, frequency: number, meanSpend: number): number {
  const shape = params.p * frequency + params.q;
  const rate = params.v + frequency * meanSpend;
  // With ν = e^u the density in u is ∝ exp(shape·u − rate·e^u); both integrals share the constant.
  const logMode = Math.log(shape / rate);
  const density = (u: number): number => Math.exp(shape * (u - logMode) - rate * (Math.exp(u) - Math.exp(logMode)));
  const lower = logMode - 40 / Math.sqrt(shape);
  const upper = logMode + 40 / Math.sqrt(shape);
  const mass = simpson(density, lower, upper, 20_000);
  const meanOfP = simpson((u) => (params.p / Math.exp(u)) * density(u), lower, upper, 20_000);
  return meanOfP / mass;
}

/**
 * E[purchases in (T, T + t] | alive at T, x, T]: given alive, λ ~ Gamma(r + x, α + T) and
 * p ~ Beta(a, b + x) independently, and an alive customer with (λ, p) buys (1 − e^{−λpt})/p in
 * expectation (FHL 2005, eq. 7's derivation). λ is integrated out in closed form; p numerically,
 * with p = s^{1/a} so the p^{a−1} singularity at 0 disappears. No hypergeometric function.
 */
function expectedPurchasesIfAliveByIntegration(params: BgnbdParams, horizon: number, frequency: number, T: number): number {
  const { r, alpha, a, b } = params;
  const shape = r + frequency;
  const logNormaliser = logBeta(a, b + frequency);
  const integrand = (s: number): number => {
    if (s === 0) return (shape * horizon) / (alpha + T) / a / Math.exp(logNormaliser);
    const p = s ** (1 / a);
    const bought = -Math.expm1(shape * (Math.log(alpha + T) - Math.log(alpha + T + p * horizon))) / p;
    return (bought * (1 - p) ** (b + frequency - 1)) / a / Math.exp(logNormaliser);
  };
  return simpson(integrand, 0, 1, 20_000);
}

/** P(alive | x, t_x, T) as the share of the likelihood from "still alive at T" (FHL 2005, eq. 6). */
function probabilityAliveFromLikelihood(params: BgnbdParams, frequency: number, recency: number, T: number): number {
  const { r, alpha, a, b } = params;
  const logAliveTerm =
    logGamma(r + frequency) - logGamma(r) + r * Math.log(alpha) + logBeta(a, b + frequency) - logBeta(a, b) - (r + frequency) * Math.log(alpha + T);
  return Math.exp(logAliveTerm - bgnbdCustomerLogLikelihood(params, { frequency, recency, T }));
}

function inWholeDays<C extends { recency: number; T: number }>(customers: readonly C[]): C[] {
  return customers.map((customer) => ({ ...customer, recency: Math.floor(customer.recency * 7) / 7, T: Math.floor(customer.T * 7) / 7 }));
}

function largestRelativeDifference(left: Record<string, number>, right: Record<string, number>): number {
  return Math.max(
    ...Object.keys(right).map((name) => Math.abs((left[name] ?? Number.NaN) - (right[name] ?? Number.NaN)) / Math.abs(right[name] ?? Number.NaN)),
  );
}

describe('Gamma–Gamma expected average spend', () => {
  it('equals E[p/ν] integrated numerically over the posterior of ν', () => {
    for (const params of [CDNOW_GAMMA_GAMMA, { p: 1.2, q: 2.5, v: 40 }, { p: 0.8, q: 1.3, v: 3 }]) {
      for (const [frequency, meanSpend] of [
        [1, 12.5],
        [3, 35],
        [17, 80.25],
        [120, 4.1],
      ] as const) {
        // Prepare / Act
        const closedForm = gammaGammaExpectedAverageSpend(params, { frequency, monetaryValue: meanSpend });
        const integrated = expectedSpendByIntegration(params, frequency, meanSpend);
        // Assess
        expect(Math.abs(closedForm - integrated) / integrated).toBeLessThan(3e-9);
      }
    }
  });

  it('gives the population mean pv/(q − 1) for a customer without repeat purchases (CDNOW: 35.2)', () => {
    const spend = gammaGammaExpectedAverageSpend(CDNOW_GAMMA_GAMMA, { frequency: 0, monetaryValue: 0 });
    expect(spend).toBeCloseTo((6.25 * 15.44) / 2.74, 12);
    expect(spend).toBeCloseTo(expectedSpendByIntegration(CDNOW_GAMMA_GAMMA, 0, 0), 8);
  });
});

describe('Customer lifetime value', () => {
  it('equals P(alive) × the discounted sum of period increments of E[Y(t)] × E[M], each computed independently', () => {
    const params = { bgnbd: CDNOW_BGNBD, gammaGamma: CDNOW_GAMMA_GAMMA };
    const customers = [
      { frequency: 0, recency: 0, T: 38.86, monetaryValue: 0 },
      { frequency: 2, recency: 30.43, T: 38.86, monetaryValue: 22.1 },
      { frequency: 7, recency: 10.5, T: 32, monetaryValue: 55.9 },
      { frequency: 25, recency: 38, T: 39, monetaryValue: 14 },
    ];
    // 52 weeks in months of 4.345 weeks (lifetimes' convention), 1% a month: 12 periods, the last partial.
    const options = { horizon: 52, periodLength: 4.345, discountRate: 0.01 };
    for (const customer of customers) {
      // Prepare: the definition in clv.ts, summed here from the integrals above.
      const periods = Math.ceil(options.horizon / options.periodLength);
      let discounted = 0;
      let previous = 0;
      for (let i = 1; i <= periods; i += 1) {
        const cumulative = expectedPurchasesIfAliveByIntegration(
          CDNOW_BGNBD,
          Math.min(i * options.periodLength, options.horizon),
          customer.frequency,
          customer.T,
        );
        discounted += (cumulative - previous) / (1 + options.discountRate) ** i;
        previous = cumulative;
      }
      const expected =
        probabilityAliveFromLikelihood(CDNOW_BGNBD, customer.frequency, customer.recency, customer.T) *
        discounted *
        expectedSpendByIntegration(CDNOW_GAMMA_GAMMA, customer.frequency, customer.monetaryValue);
      // Act
      const actual = customerLifetimeValue(params, customer, options);
      // Assess
      expect(Math.abs(actual - expected) / expected).toBeLessThan(1e-7);
    }
  });
});

describe('Compressed fits', () => {
  // Whole-day summaries, as real transaction logs give: many customers share a history.
  const customers = inWholeDays(simulateCustomers({ customers: 2_000, bgnbd: CDNOW_BGNBD, gammaGamma: CDNOW_GAMMA_GAMMA, minAge: 27, maxAge: 39, seed: 6 }));

  it('gives the BG/NBD estimates of the per-customer fit (lifetimes’ method, run to gtol 3e-9) to 6 significant figures', () => {
    // Act
    const compressed = fitBgnbd(customers);
    const perCustomer = baselineFitBgnbd(customers, 3e-9);
    // Assess
    expect(perCustomer.converged).toBe(true);
    expect(largestRelativeDifference(compressed.params, perCustomer.params)).toBeLessThan(5e-7);
    expect(compressed.logLikelihood).toBeCloseTo(bgnbdLogLikelihood(compressed.params, customers), 8);
  });

  it('gives the Gamma–Gamma estimates of the per-customer fit to 6 significant figures, and its log-likelihood', () => {
    // Act
    const compressed = fitGammaGamma(customers);
    const perCustomer = baselineFitGammaGamma(customers, 3e-9);
    // Assess
    expect(perCustomer.converged).toBe(true);
    expect(largestRelativeDifference(compressed.params, perCustomer.params)).toBeLessThan(5e-7);
    const repeat = customers.filter((customer) => customer.frequency > 0);
    const direct = repeat.reduce((sum, customer) => sum + gammaGammaCustomerLogLikelihood(compressed.params, customer), 0);
    expect(compressed.logLikelihood).toBeCloseTo(direct, 8);
  });
});
