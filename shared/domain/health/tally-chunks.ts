import { emptyHealthTally, mergeHealthTallies, type HealthTally } from './metrics';

/**
 * What one invocation of a nightly scan segment folded: the users from `chunk` (the cursor it
 * started from) to where it stopped. Keyed by run, segment and chunk, so a retried invocation
 * overwrites its own chunk and a re-run of the night never adds to the first run's counts.
 */
export interface TallyChunk {
  day: string;
  runId: string;
  segment: number;
  totalSegments: number;
  /** The start cursor, serialized ('start' for a segment's first invocation). */
  chunk: string;
  /** True on the chunk that read its segment to the end. */
  segmentDone: boolean;
  writtenAt: string;
  tally: HealthTally;
}

/**
 * The tally of the day from the newest run whose every segment was read to its end, or null when
 * no run is complete yet. Chunks of one segment follow one another (each starts where the one before
 * stopped), so they are disjoint and add up.
 */
export function completeRunTally(chunks: readonly TallyChunk[]): { runId: string; tally: HealthTally } | null {
  const byRun = new Map<string, TallyChunk[]>();
  for (const chunk of chunks) byRun.set(chunk.runId, [...(byRun.get(chunk.runId) ?? []), chunk]);
  const complete = [...byRun]
    .filter(([, runChunks]) => new Set(runChunks.filter((c) => c.segmentDone).map((c) => c.segment)).size === runChunks[0]!.totalSegments)
    .map(([runId, runChunks]) => ({ runId, runChunks, finishedAt: runChunks.reduce((latest, c) => (c.writtenAt > latest ? c.writtenAt : latest), '') }))
    .sort((a, b) => (a.finishedAt < b.finishedAt ? 1 : -1));
  const newest = complete[0];
  if (!newest) return null;
  return { runId: newest.runId, tally: newest.runChunks.reduce((sum, chunk) => mergeHealthTallies(sum, chunk.tally), emptyHealthTally()) };
}
