import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  bgnbdConditionalExpectedPurchases,
  bgnbdExpectedPurchases,
  bgnbdLogLikelihood,
  bgnbdProbabilityAlive,
  bgnbdProbabilityOfPurchases,
  fitBgnbd,
  type BgnbdParams,
} from '../../../shared/domain/models/bgnbd';
import { InvalidModelInputError } from '../../../shared/domain/models/errors';
import { fitGammaGamma } from '../../../shared/domain/models/gamma-gamma';
import { simulateCustomers } from '../../../shared/domain/models/simulate';
import { logHypergeometric2F1 } from '../../../shared/domain/models/special-functions';

// The CDNOW estimates in Fader, Hardie & Lee (2005), time in weeks, and the Gamma–Gamma CDNOW
// estimates in Fader & Hardie's note 025.
const CDNOW_BGNBD: BgnbdParams = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
const CDNOW_GAMMA_GAMMA = { p: 6.25, q: 3.74, v: 15.44 };

const parameterArbitrary = fc.record({
  r: fc.double({ min: 0.05, max: 5, noNaN: true }),
  alpha: fc.double({ min: 0.5, max: 50, noNaN: true }),
  a: fc.double({ min: 0.1, max: 5, noNaN: true }),
  b: fc.double({ min: 0.1, max: 10, noNaN: true }),
});

const historyArbitrary = fc
  .record({
    frequency: fc.integer({ min: 0, max: 200 }),
    recencyShare: fc.double({ min: 0, max: 1, noNaN: true }),
    T: fc.double({ min: 0.5, max: 100, noNaN: true }),
  })
  .map(({ frequency, recencyShare, T }) => ({ frequency, recency: frequency === 0 ? 0 : recencyShare * T, T }));

describe('BG/NBD parameter recovery', () => {
  it('recovers the CDNOW parameters from 20,000 simulated customers within 4 standard errors', () => {
    // Prepare
    const customers = simulateCustomers({ customers: 20_000, bgnbd: CDNOW_BGNBD, minAge: 27, maxAge: 39, seed: 2005 });
    // Act
    const fit = fitBgnbd(customers);
    // Assess
    expect(fit.converged).toBe(true);
    expect(fit.n).toBe(20_000);
    expect(fit.standardErrors).not.toBeNull();
    for (const name of ['r', 'alpha', 'a', 'b'] as const) {
      const error = fit.standardErrors?.[name] ?? Number.NaN;
      expect(error).toBeGreaterThan(0);
      // Standard errors small enough that the check means something.
      expect(error / CDNOW_BGNBD[name]).toBeLessThan(0.15);
      expect(Math.abs(fit.params[name] - CDNOW_BGNBD[name])).toBeLessThan(4 * error);
    }
  });

  it('recovers the Gamma–Gamma parameters from the repeat customers of 20,000 within 4 standard errors', () => {
    // Prepare
    const customers = simulateCustomers({
      customers: 20_000,
      bgnbd: { ...CDNOW_BGNBD, r: 1.5 },
      gammaGamma: CDNOW_GAMMA_GAMMA,
      minAge: 27,
      maxAge: 39,
      seed: 2013,
    });
    const repeatCustomers = customers.filter((customer) => customer.frequency > 0).length;
    // Act
    const fit = fitGammaGamma(customers);
    // Assess
    expect(fit.converged).toBe(true);
    expect(fit.n).toBe(repeatCustomers);
    expect(fit.excluded).toBe(20_000 - repeatCustomers);
    for (const name of ['p', 'q', 'v'] as const) {
      const error = fit.standardErrors?.[name] ?? Number.NaN;
      expect(error / CDNOW_GAMMA_GAMMA[name]).toBeLessThan(0.15);
      expect(Math.abs(fit.params[name] - CDNOW_GAMMA_GAMMA[name])).toBeLessThan(4 * error);
    }
  });

  it('has a likelihood at the fitted optimum that beats every nearby point', () => {
    // Prepare
    const customers = simulateCustomers({ customers: 3_000, bgnbd: CDNOW_BGNBD, minAge: 10, maxAge: 52, seed: 7 });
    const fit = fitBgnbd(customers);
    const best = bgnbdLogLikelihood(fit.params, customers);
    // Act / Assess
    for (const name of ['r', 'alpha', 'a', 'b'] as const) {
      for (const factor of [0.99, 1.01]) {
        const nearby = { ...fit.params, [name]: fit.params[name] * factor };
        expect(bgnbdLogLikelihood(nearby, customers)).toBeLessThan(best);
      }
    }
    expect(fit.logLikelihood).toBeCloseTo(best, 8);
  });

  it('rejects a recency beyond T, naming the customer', () => {
    expect(() =>
      fitBgnbd([
        { frequency: 0, recency: 0, T: 5 },
        { frequency: 2, recency: 6, T: 5 },
      ]),
    ).toThrowError(InvalidModelInputError);
    expect(() => fitBgnbd([{ frequency: 2, recency: 6, T: 5 }])).toThrowError(/customer 0: recency 6 is greater than T 5/);
  });
});

describe('BG/NBD identities', () => {
  it('gives P(alive) = 1 at frequency 0 and a probability strictly inside (0, 1) otherwise, wherever a double can show it', () => {
    fc.assert(
      fc.property(parameterArbitrary, historyArbitrary, (params, history) => {
        const alive = bgnbdProbabilityAlive(params, history);
        if (history.frequency === 0) {
          expect(alive).toBe(1);
          return;
        }
        const { r, alpha, a, b } = params;
        const { frequency: x, recency, T } = history;
        const logOdds = Math.log(a / (b + x - 1)) + (r + x) * Math.log((alpha + T) / (alpha + recency));
        // Beyond |log-odds| of 30 the probability is within 1e-13 of 0 or 1 and may round to it.
        if (Math.abs(logOdds) < 30) {
          expect(alive).toBeGreaterThan(0);
          expect(alive).toBeLessThan(1);
        } else {
          expect(alive).toBeGreaterThanOrEqual(0);
          expect(alive).toBeLessThanOrEqual(1);
          expect(logOdds > 0 ? alive < 1e-13 : alive > 1 - 1e-13).toBe(true);
        }
      }),
    );
  });

  it('makes P(alive) fall the longer a repeat buyer has been silent', () => {
    fc.assert(
      fc.property(parameterArbitrary, fc.integer({ min: 1, max: 50 }), fc.double({ min: 1, max: 50, noNaN: true }), (params, frequency, T) => {
        const recent = bgnbdProbabilityAlive(params, { frequency, recency: T, T });
        const silent = bgnbdProbabilityAlive(params, { frequency, recency: T / 2, T });
        expect(silent).toBeLessThanOrEqual(recent);
      }),
    );
  });

  it('has expected purchases that increase with the horizon, conditional and unconditional', () => {
    fc.assert(
      fc.property(parameterArbitrary, historyArbitrary, fc.double({ min: 0.1, max: 200, noNaN: true }), (params, history, horizon) => {
        const shorter = bgnbdConditionalExpectedPurchases(params, horizon, history);
        const longer = bgnbdConditionalExpectedPurchases(params, horizon * 1.5, history);
        // P(alive) may underflow to 0 for extreme histories; otherwise strictly more with more time.
        expect(shorter).toBeGreaterThanOrEqual(0);
        if (shorter > 0) expect(longer).toBeGreaterThan(shorter);
        expect(bgnbdExpectedPurchases(params, horizon * 1.5)).toBeGreaterThan(bgnbdExpectedPurchases(params, horizon));
      }),
      { numRuns: 200 },
    );
  });

  it('matches the paper’s eq. 10 with the untransformed 2F1(r+x, b+x; a+b+x-1; z)', () => {
    fc.assert(
      fc.property(parameterArbitrary, historyArbitrary, fc.double({ min: 0.1, max: 100, noNaN: true }), (params, history, horizon) => {
        fc.pre(Math.abs(params.a - 1) > 0.01);
        const { r, alpha, a, b } = params;
        const { frequency: x, recency, T } = history;
        const z = horizon / (alpha + T + horizon);
        const hypergeometric = logHypergeometric2F1(r + x, b + x, a + b + x - 1, z);
        const coefficient = (a + b + x - 1) / (a - 1);
        const subtracted = hypergeometric.sign * Math.exp(hypergeometric.logAbs + (r + x) * Math.log((alpha + T) / (alpha + T + horizon)));
        const denominator = 1 + (x > 0 ? (a / (b + x - 1)) * ((alpha + T) / (alpha + recency)) ** (r + x) : 0);
        const expected = (coefficient * (1 - subtracted)) / denominator;
        const actual = bgnbdConditionalExpectedPurchases(params, horizon, history);
        // 2F1 is negative when c = a + b + x − 1 < 0 (a = b = 0.1, x = 0): the sign must be kept.
        // The reference subtracts two terms; its own rounding scales with the larger of them, not
        // with the difference (1 − S cancels when S is near 1), so the bound does too.
        const scale = Math.max(1, Math.abs(expected), Math.abs(coefficient * subtracted) / denominator);
        expect(Math.abs(actual - expected)).toBeLessThan(1e-9 * scale);
      }),
      { numRuns: 200 },
    );
  });

  it('has P(X(t) = n) summing to 1 over n, with mean E[X(t)]', () => {
    for (const params of [CDNOW_BGNBD, { r: 2, alpha: 3, a: 1.5, b: 4 }, { r: 0.5, alpha: 10, a: 0.3, b: 0.8 }]) {
      for (const horizon of [1, 39, 78, 500]) {
        // Prepare / Act
        let total = 0;
        let mean = 0;
        for (let n = 0; n < 20_000; n += 1) {
          const probability = bgnbdProbabilityOfPurchases(params, horizon, n);
          total += probability;
          mean += n * probability;
          if (n > 50 && probability < 1e-16) break;
        }
        // Assess
        expect(Math.abs(total - 1)).toBeLessThan(1e-9);
        expect(Math.abs(mean - bgnbdExpectedPurchases(params, horizon)) / bgnbdExpectedPurchases(params, horizon)).toBeLessThan(1e-8);
      }
    }
  });

  it('predicts the simulated cohort’s purchases: E[X(t)] against a fresh simulation', () => {
    // Prepare: customers all aged exactly 39 weeks, so the repeat count over (0, 39] is X(39).
    const customers = simulateCustomers({ customers: 20_000, bgnbd: CDNOW_BGNBD, minAge: 39, maxAge: 39, seed: 11 });
    const observedMean = customers.reduce((sum, customer) => sum + customer.frequency, 0) / customers.length;
    // Act
    const predicted = bgnbdExpectedPurchases(CDNOW_BGNBD, 39);
    // Assess: within 5% (the sampling error of the mean is about 2%).
    expect(Math.abs(observedMean - predicted) / predicted).toBeLessThan(0.05);
  });
});
