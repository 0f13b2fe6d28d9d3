/**
 * Customer summaries in BG/NBD form from a transaction log, with the semantics of the `lifetimes`
 * library's calibration/holdout summaries:
 * - time is cut into periods (days, or Monday-to-Sunday weeks as pandas' 'W' does) and all
 *   purchases of a customer in one period count as one, their amounts summed;
 * - frequency is the number of periods with a purchase after the first one;
 * - recency is the number of periods from the first to the last purchase period, T the number
 *   from the first purchase period to the calibration end's period;
 * - monetary value is the mean of the repeat periods' totals (the first purchase is left out, 0
 *   when there is no repeat);
 * - holdout frequency counts the periods with a purchase after the calibration end up to and
 *   including the holdout end, for customers seen in calibration.
 * Calibration takes the purchases up to and including the calibration end day; dates are UTC days.
 */
import { MS_PER_DAY } from '../common';
import { InvalidModelInputError } from './errors';

/** Days or weeks: the period purchases are merged into. */
export type TimeUnit = 'day' | 'week';

/** One purchase. */
export interface Transaction {
  customerId: string;
  /** Epoch milliseconds (UTC). */
  occurredAt: number;
  amount: number;
}

/** One customer's summary; `holdoutFrequency` only when a holdout end was given. */
export interface CustomerSummary {
  id: string;
  frequency: number;
  recency: number;
  T: number;
  monetaryValue: number;
  holdoutFrequency?: number;
}

export interface SummaryOptions {
  /** Epoch milliseconds of any time on the calibration end day (UTC). */
  calibrationEnd: number;
  unit: TimeUnit;
  /** Epoch milliseconds of any time on the holdout end day, after the calibration end. */
  holdoutEnd?: number;
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const ISO_WITHOUT_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;
const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

/**
 * Parses YYYY-MM-DD or ISO 8601 into epoch milliseconds; a time without an offset is taken as UTC
 * (never the machine's zone, so a summary is the same everywhere). Returns null if unparseable.
 */
export function parseTransactionDate(text: string): number | null {
  const trimmed = text.trim();
  let normalised: string;
  if (DATE_ONLY.test(trimmed)) normalised = `${trimmed}T00:00:00Z`;
  else if (ISO_WITHOUT_OFFSET.test(trimmed)) normalised = `${trimmed}Z`;
  else if (ISO_WITH_OFFSET.test(trimmed)) normalised = trimmed;
  else return null;
  const value = Date.parse(normalised);
  if (Number.isNaN(value)) return null;
  // Reject dates JavaScript silently rolls over, such as 2024-02-30.
  if (new Date(value).toISOString().slice(0, 10) !== trimmed.slice(0, 10) && !ISO_WITH_OFFSET.test(trimmed)) return null;
  return value;
}

/** The index of the period containing a UTC day: days since the epoch, or Monday-start weeks. */
export function periodOf(epochMs: number, unit: TimeUnit): number {
  const day = Math.floor(epochMs / MS_PER_DAY);
  switch (unit) {
    case 'day':
      return day;
    case 'week':
      // 1970-01-01 was a Thursday: shifting by 3 puts Mondays on multiples of 7.
      return Math.floor((day + 3) / 7);
    default:
      return assertNever(unit);
  }
}

function assertNever(value: never): never {
  throw new Error(`Unexpected value: ${String(value)}`);
}

interface CustomerPeriods {
  calibration: Map<number, number>;
  holdout: Set<number>;
}

/** Builds one summary per customer with a purchase in calibration, sorted by id. */
export function summarizeTransactions(transactions: readonly Transaction[], options: SummaryOptions): CustomerSummary[] {
  const calibrationEndDay = Math.floor(options.calibrationEnd / MS_PER_DAY);
  const holdoutEndDay = options.holdoutEnd === undefined ? undefined : Math.floor(options.holdoutEnd / MS_PER_DAY);
  if (holdoutEndDay !== undefined && holdoutEndDay <= calibrationEndDay) {
    throw new InvalidModelInputError('the holdout end must be after the calibration end', { index: -1, field: 'holdoutEnd', value: options.holdoutEnd });
  }
  const byCustomer = new Map<string, CustomerPeriods>();
  transactions.forEach((transaction, index) => {
    if (!Number.isFinite(transaction.amount) || transaction.amount < 0) {
      throw new InvalidModelInputError(`transaction ${index}: amount must be a non-negative number, got ${transaction.amount}`, {
        index,
        field: 'amount',
        value: transaction.amount,
      });
    }
    const day = Math.floor(transaction.occurredAt / MS_PER_DAY);
    const inCalibration = day <= calibrationEndDay;
    const inHoldout = holdoutEndDay !== undefined && day > calibrationEndDay && day <= holdoutEndDay;
    if (!inCalibration && !inHoldout) return;
    let periods = byCustomer.get(transaction.customerId);
    if (!periods) {
      periods = { calibration: new Map(), holdout: new Set() };
      byCustomer.set(transaction.customerId, periods);
    }
    const period = periodOf(transaction.occurredAt, options.unit);
    if (inCalibration) periods.calibration.set(period, (periods.calibration.get(period) ?? 0) + transaction.amount);
    else periods.holdout.add(period);
  });

  const endPeriod = periodOf(options.calibrationEnd, options.unit);
  const summaries: CustomerSummary[] = [];
  for (const [id, periods] of byCustomer) {
    if (periods.calibration.size === 0) continue;
    let first = Number.POSITIVE_INFINITY;
    let last = Number.NEGATIVE_INFINITY;
    for (const period of periods.calibration.keys()) {
      first = Math.min(first, period);
      last = Math.max(last, period);
    }
    let repeatTotal = 0;
    for (const [period, amount] of periods.calibration) if (period !== first) repeatTotal += amount;
    const frequency = periods.calibration.size - 1;
    const summary: CustomerSummary = {
      id,
      frequency,
      recency: last - first,
      T: endPeriod - first,
      monetaryValue: frequency > 0 ? repeatTotal / frequency : 0,
    };
    if (holdoutEndDay !== undefined) summary.holdoutFrequency = periods.holdout.size;
    summaries.push(summary);
  }
  return summaries.sort((left, right) => (left.id < right.id ? -1 : left.id > right.id ? 1 : 0));
}
