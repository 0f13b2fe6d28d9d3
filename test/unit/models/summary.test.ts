import { describe, expect, it } from 'vitest';
import { parseTransactionDate, periodOf, summarizeTransactions, type Transaction } from '../../../shared/domain/models/summary';

function purchase(customerId: string, date: string, amount: number): Transaction {
  const occurredAt = parseTransactionDate(date);
  if (occurredAt === null) throw new Error(`bad test date ${date}`);
  return { customerId, occurredAt, amount };
}

const day = (text: string): number => parseTransactionDate(text) ?? Number.NaN;

// 2024-01-01 is a Monday.
const log: Transaction[] = [
  purchase('A', '2024-01-01', 10),
  purchase('A', '2024-01-01T18:00:00Z', 5), // same day: merged with the first purchase
  purchase('A', '2024-01-04', 20),
  purchase('A', '2024-01-08', 30),
  purchase('A', '2024-01-12', 7), // holdout
  purchase('A', '2024-01-12', 8), // holdout, same day
  purchase('A', '2024-01-15', 9), // holdout
  purchase('B', '2024-01-05', 12), // a single purchase
  purchase('C', '2024-01-12', 50), // none in calibration
  purchase('D', '2024-01-07', 4), // Sunday
  purchase('D', '2024-01-08', 6), // the Monday after
];

describe('summarizeTransactions', () => {
  it('summarises by day: same-day purchases merged, single purchase, customers without calibration purchases left out', () => {
    // Act
    const summaries = summarizeTransactions(log, { calibrationEnd: day('2024-01-10'), unit: 'day' });
    // Assess: A buys on days 1, 4 and 8 (T counted to day 10); repeat totals 20 and 30.
    expect(summaries).toEqual([
      { id: 'A', frequency: 2, recency: 7, T: 9, monetaryValue: 25 },
      { id: 'B', frequency: 0, recency: 0, T: 5, monetaryValue: 0 },
      { id: 'D', frequency: 1, recency: 1, T: 3, monetaryValue: 6 },
    ]);
  });

  it('summarises by Monday-to-Sunday week, summing amounts within a week', () => {
    // Act
    const summaries = summarizeTransactions(log, { calibrationEnd: day('2024-01-10'), unit: 'week' });
    // Assess: A buys in week 0 (35) and week 1 (30); D's Sunday and Monday are different weeks.
    expect(summaries).toEqual([
      { id: 'A', frequency: 1, recency: 1, T: 1, monetaryValue: 30 },
      { id: 'B', frequency: 0, recency: 0, T: 1, monetaryValue: 0 },
      { id: 'D', frequency: 1, recency: 1, T: 1, monetaryValue: 6 },
    ]);
  });

  it('counts holdout purchase periods up to the holdout end, zero for customers without any', () => {
    // Act
    const summaries = summarizeTransactions(log, { calibrationEnd: day('2024-01-10'), unit: 'day', holdoutEnd: day('2024-01-14') });
    // Assess: A bought on the 12th twice (one period); the 15th is after the holdout end.
    expect(summaries.map((summary) => [summary.id, summary.holdoutFrequency])).toEqual([
      ['A', 1],
      ['B', 0],
      ['D', 0],
    ]);
  });

  it('gives nothing for an empty log', () => {
    expect(summarizeTransactions([], { calibrationEnd: day('2024-01-10'), unit: 'week' })).toEqual([]);
  });
});

describe('dates and periods', () => {
  it('reads dates as UTC days and honours offsets', () => {
    expect(parseTransactionDate('2024-01-01T23:30:00-02:00')).toBe(day('2024-01-02') + 90 * 60_000);
    expect(parseTransactionDate('2024-01-01T10:00')).toBe(day('2024-01-01') + 10 * 3_600_000);
    expect(parseTransactionDate('2024-02-30')).toBeNull();
    expect(parseTransactionDate('yesterday')).toBeNull();
  });

  it('starts weeks on Monday', () => {
    expect(periodOf(day('2024-01-07'), 'week')).toBe(periodOf(day('2024-01-01'), 'week'));
    expect(periodOf(day('2024-01-08'), 'week')).toBe(periodOf(day('2024-01-01'), 'week') + 1);
  });
});
