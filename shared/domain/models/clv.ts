/**
 * Customer lifetime value from BG/NBD (how many purchases) and Gamma–Gamma (how much each), as
 * `lifetimes`' customer_lifetime_value does: the horizon is cut into periods, each period's
 * expected purchases (the increment of the cumulative expectation) is valued at the expected
 * spend and discounted by (1 + d)^i for the i-th period.
 */
import { z } from 'zod';
import { bgnbdExpectedPurchasesIfAlive, bgnbdProbabilityAlive, type BgnbdParams, type PurchaseHistory } from './bgnbd';
import { gammaGammaExpectedAverageSpend, type GammaGammaParams } from './gamma-gamma';

/** Horizon and discounting for CLV, in the model's time unit. */
export const ClvOptions = z.object({
  /** The horizon, e.g. 39 weeks. */
  horizon: z.number().positive().finite(),
  /** The length of one discounting period, e.g. 1 week, or 4.345 weeks for months as lifetimes does. */
  periodLength: z.number().positive().finite().default(1),
  /** The discount rate per period, e.g. 0.01. */
  discountRate: z.number().min(0).finite().default(0),
});
export type ClvOptions = z.infer<typeof ClvOptions>;

/**
 * Σᵢ [E(tᵢ) - E(tᵢ₋₁)] / (1 + d)^i for an alive customer, tᵢ = min(i·period, horizon): the
 * discounted expected purchases, before P(alive) and spend. Depends on x and T only.
 */
export function discountedPurchasesIfAlive(params: BgnbdParams, frequency: number, T: number, options: ClvOptions): number {
  const periods = Math.ceil(options.horizon / options.periodLength - 1e-12);
  let previous = 0;
  let total = 0;
  let discount = 1;
  for (let i = 1; i <= periods; i += 1) {
    const cumulative = bgnbdExpectedPurchasesIfAlive(params, Math.min(i * options.periodLength, options.horizon), frequency, T);
    discount /= 1 + options.discountRate;
    total += (cumulative - previous) * discount;
    previous = cumulative;
  }
  return total;
}

/** A customer for CLV: the BG/NBD summary plus the mean repeat spend. */
export interface ValuedCustomer extends PurchaseHistory {
  monetaryValue: number;
}

/** CLV = P(alive) · discounted expected purchases · Gamma–Gamma expected average spend. */
export function customerLifetimeValue(params: { bgnbd: BgnbdParams; gammaGamma: GammaGammaParams }, customer: ValuedCustomer, options: ClvOptions): number {
  const spend = gammaGammaExpectedAverageSpend(params.gammaGamma, customer);
  return bgnbdProbabilityAlive(params.bgnbd, customer) * discountedPurchasesIfAlive(params.bgnbd, customer.frequency, customer.T, options) * spend;
}
