import { createHash } from 'node:crypto';
import { InvalidDrawEntryError } from './errors';

/**
 * The monthly draw, reproducible by anyone from what is published. The algorithm, named
 * `rekindle-draw-v1`, in full:
 * 1. **Entries**: the entrants' user ids, de-duplicated, sorted by their UTF-8 bytes.
 * 2. **entriesHash**: hex SHA-256 of the UTF-8 of the entries joined with `\n`.
 * 3. **Stream**: block k (k = 0, 1, …) is SHA-256 of the UTF-8 of `<seed>\n<entriesHash>\n<k>`;
 *    the stream is the blocks' bytes read as big-endian unsigned 32-bit words, in order.
 * 4. **Uniform integer below n**: take the next word w; if w ≥ ⌊2³²/n⌋·n reject it and take the
 *    next (removes modulo bias); else the result is w mod n.
 * 5. **Winners**: a partial Fisher–Yates over the sorted entries: for i = 0 … N−1, swap
 *    position i with position i + (uniform integer below count − i); the first N positions, in
 *    order, are the winners. N is capped at the number of entries.
 *
 * Fairness: publish `seedCommitment` (SHA-256 of the seed) and `entriesHash` when entries close,
 * before anyone knows the seed; reveal the seed after the draw. Then the operator can neither
 * pick a seed for a wanted result nor add entries after seeing the seed.
 */
export const DRAW_ALGORITHM = 'rekindle-draw-v1';

/** Everything needed to check a draw; publish it whole. */
export interface DrawResult {
  readonly algorithm: typeof DRAW_ALGORITHM;
  readonly month: string;
  readonly seed: string;
  readonly seedCommitment: string;
  readonly entriesHash: string;
  readonly entries: readonly string[];
  readonly winners: readonly string[];
}

function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** Step 1: entries in canonical order. */
export function canonicalDrawEntries(userIds: Iterable<string>): readonly string[] {
  const unique = [...new Set(userIds)];
  for (const userId of unique) if (userId.length === 0 || /[\r\n]/.test(userId)) throw new InvalidDrawEntryError(userId);
  return unique.sort((left, right) => Buffer.compare(Buffer.from(left, 'utf8'), Buffer.from(right, 'utf8')));
}

/** Step 2: hash of canonical entries. */
export function drawEntriesHash(canonicalEntries: readonly string[]): string {
  return sha256Hex(canonicalEntries.join('\n'));
}

/** Published before the draw so the seed cannot be changed afterwards. */
export function drawSeedCommitment(seed: string): string {
  return sha256Hex(seed);
}

/** Step 3: a deterministic stream of 32-bit words. */
function* wordStream(seed: string, entriesHash: string): Generator<number, never> {
  for (let block = 0; ; block += 1) {
    const digest = createHash('sha256').update(`${seed}\n${entriesHash}\n${block}`, 'utf8').digest();
    for (let offset = 0; offset < digest.length; offset += 4) yield digest.readUInt32BE(offset);
  }
}

/** Step 4: unbiased integer in [0, n). */
function uniformBelow(n: number, words: Generator<number, never>): number {
  const acceptBelow = Math.floor(2 ** 32 / n) * n;
  for (;;) {
    const word = words.next().value;
    if (word < acceptBelow) return word % n;
  }
}

/** Draws `winnerCount` distinct winners from the entrants with the published algorithm. */
export function runMonthlyDraw(input: {
  readonly month: string;
  readonly seed: string;
  readonly userIds: Iterable<string>;
  readonly winnerCount: number;
}): DrawResult {
  const entries = canonicalDrawEntries(input.userIds);
  const entriesHash = drawEntriesHash(entries);
  const words = wordStream(input.seed, entriesHash);
  const pool = [...entries];
  const winnerCount = Math.max(0, Math.min(Math.floor(input.winnerCount), pool.length));
  for (let index = 0; index < winnerCount; index += 1) {
    const pick = index + uniformBelow(pool.length - index, words);
    const chosen = pool[pick];
    const displaced = pool[index];
    if (chosen === undefined || displaced === undefined) throw new RangeError(`Draw index out of range: ${pick}`);
    pool[index] = chosen;
    pool[pick] = displaced;
  }
  return {
    algorithm: DRAW_ALGORITHM,
    month: input.month,
    seed: input.seed,
    seedCommitment: drawSeedCommitment(input.seed),
    entriesHash,
    entries,
    winners: pool.slice(0, winnerCount),
  };
}

/** Recomputes a published draw; true when every published field matches. */
export function verifyMonthlyDraw(published: DrawResult): boolean {
  const recomputed = runMonthlyDraw({
    month: published.month,
    seed: published.seed,
    userIds: published.entries,
    winnerCount: published.winners.length,
  });
  return (
    recomputed.entriesHash === published.entriesHash &&
    recomputed.seedCommitment === published.seedCommitment &&
    recomputed.entries.length === published.entries.length &&
    recomputed.entries.every((entry, index) => entry === published.entries[index]) &&
    recomputed.winners.every((winner, index) => winner === published.winners[index])
  );
}
