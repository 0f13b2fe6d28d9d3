import { ConflictError, NotFoundError } from '../../domain/common';
import { runMonthlyDraw, type DrawResult, type LoyaltyPorts } from '../../domain/loyalty';

/** Result of a draw request: drawn now, or the draw recorded earlier. */
export interface DrawRunOutcome {
  readonly kind: 'drawn' | 'already-drawn';
  readonly result: DrawResult;
}

/**
 * Runs a month's draw once: a fresh seed from crypto randomness, the entries read from every
 * shard, the published algorithm; seed, entries and winners are recorded so anyone can re-run it.
 * A second request answers the recorded draw.
 * @throws ConflictError when the month has no entries (nothing to draw from yet).
 */
export async function runDraw(
  ports: Pick<LoyaltyPorts, 'drawEntries' | 'randomBytes' | 'clock'>,
  input: { readonly month: string; readonly winners: number },
): Promise<DrawRunOutcome> {
  const recorded = await ports.drawEntries.resultOf(input.month);
  if (recorded) return { kind: 'already-drawn', result: recorded };
  const entries = await ports.drawEntries.entriesOf(input.month);
  if (entries.length === 0) throw new ConflictError(`the draw of ${input.month} has no entries`);
  const seed = Buffer.from(ports.randomBytes(32)).toString('hex');
  const result = runMonthlyDraw({ month: input.month, seed, userIds: entries.map((entry) => entry.userId), winnerCount: input.winners });
  const stored = await ports.drawEntries.recordResult(result, ports.clock.now());
  return { kind: stored.kind === 'recorded' ? 'drawn' : 'already-drawn', result: stored.result };
}

/**
 * The published draw of a month.
 * @throws NotFoundError when the month's draw has not run.
 */
export async function publishedDraw(ports: Pick<LoyaltyPorts, 'drawEntries'>, month: string): Promise<DrawResult> {
  const result = await ports.drawEntries.resultOf(month);
  if (!result) throw new NotFoundError(`the draw of ${month} has not run`);
  return result;
}
