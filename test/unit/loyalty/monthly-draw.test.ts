import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidDrawEntryError } from '../../../shared/domain/loyalty/errors';
import { canonicalDrawEntries, runMonthlyDraw, verifyMonthlyDraw } from '../../../shared/domain/loyalty/monthly-draw';

const users = Array.from({ length: 1000 }, (_, index) => `user-${index}`);

describe('monthly draw', () => {
  it('reproduces from its published seed and entries, whatever order the entries came in', () => {
    // Prepare
    const seed = 'b5c1d0e2-2025-06';
    const published = runMonthlyDraw({ month: '2025-06', seed, userIds: users, winnerCount: 10 });

    // Act
    const replayed = runMonthlyDraw({ month: '2025-06', seed, userIds: [...users].reverse(), winnerCount: 10 });

    // Assess
    expect(replayed).toEqual(published);
    expect(verifyMonthlyDraw(published)).toBe(true);
    expect(published.seedCommitment).toBe(createHash('sha256').update(seed).digest('hex'));
  });

  it('follows the documented algorithm, re-implemented here from its description', () => {
    // Prepare: two entries, one winner: the first accepted word mod 2 picks it.
    const seed = 'tiny';
    const entriesHash = createHash('sha256').update('alice\nbob').digest('hex');
    const firstWord = createHash('sha256').update(`${seed}\n${entriesHash}\n0`).digest().readUInt32BE(0);

    // Act
    const result = runMonthlyDraw({ month: '2025-06', seed, userIds: ['bob', 'alice', 'bob'], winnerCount: 1 });

    // Assess: 2³² is a multiple of 2, so no word is rejected.
    expect(result.entries).toEqual(['alice', 'bob']);
    expect(result.entriesHash).toBe(entriesHash);
    expect(result.winners).toEqual([firstWord % 2 === 0 ? 'alice' : 'bob']);
  });

  it('detects a tampered result', () => {
    // Prepare
    const published = runMonthlyDraw({ month: '2025-06', seed: 's', userIds: users, winnerCount: 3 });
    const loser = users.find((user) => !published.winners.includes(user)) ?? 'nobody';

    // Act
    const swappedWinner = verifyMonthlyDraw({ ...published, winners: [loser, ...published.winners.slice(1)] });
    const addedEntry = verifyMonthlyDraw({ ...published, entries: [...published.entries, 'zz-late'] });

    // Assess
    expect(swappedWinner).toBe(false);
    expect(addedEntry).toBe(false);
  });

  it('picks distinct winners among the entries, capped at the number of entries', () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.uniqueArray(
          fc.string({ minLength: 1 }).filter((id) => !/[\r\n]/.test(id)),
          { maxLength: 30 },
        ),
        fc.integer({ min: 0, max: 40 }),
        (seed, entrants, winnerCount) => {
          // Prepare / Act
          const result = runMonthlyDraw({ month: '2025-06', seed, userIds: entrants, winnerCount });

          // Assess
          expect(result.winners).toHaveLength(Math.min(winnerCount, entrants.length));
          expect(new Set(result.winners).size).toBe(result.winners.length);
          for (const winner of result.winners) expect(entrants).toContain(winner);
        },
      ),
    );
  });

  it('gives every entry about the same chance: 3 entries over 3,000 seeds win 1,000 ± 150 each', () => {
    // Prepare
    const wins = new Map<string, number>();

    // Act
    for (let index = 0; index < 3000; index += 1) {
      const [winner] = runMonthlyDraw({ month: '2025-06', seed: `seed-${index}`, userIds: ['a', 'b', 'c'], winnerCount: 1 }).winners;
      if (winner !== undefined) wins.set(winner, (wins.get(winner) ?? 0) + 1);
    }

    // Assess: the standard deviation is √(3000 · ⅓ · ⅔) ≈ 26, so 150 is a wide margin.
    for (const entry of ['a', 'b', 'c']) expect(Math.abs((wins.get(entry) ?? 0) - 1000)).toBeLessThan(150);
  });

  it('refuses an entry that would make the published list ambiguous', () => {
    // Prepare / Act
    const attempt = () => canonicalDrawEntries(['alice', 'bob\nmallory']);

    // Assess
    expect(attempt).toThrow(InvalidDrawEntryError);
  });
});
