/**
 * Counting a scoring run: what one segment invocation reports, how the reports add up, and the
 * run summary kept in the operations table (and shown by `rekindle score`, `tiers` and `cost`).
 */
import { z } from 'zod';
import { RECALL_TIERS, RFM_SEGMENTS, VALUE_QUADRANTS, type UserScore } from '../models';

const Count = z.number().int().min(0);
const Counts = z.record(z.string(), Count);

/** What a segment (or several) did: counts and the capacity it consumed. */
export const SegmentCounts = z.object({
  usersScored: Count,
  itemsRead: Count,
  itemsWritten: Count,
  tierChanges: Count,
  tiers: Counts,
  segments: Counts,
  quadrants: Counts,
  readUnits: z.number().min(0),
  writeUnits: z.number().min(0),
  /** Lambda invocations and their summed duration, for the compute part of the cost. */
  invocations: Count,
  lambdaMs: z.number().min(0),
});
export type SegmentCounts = z.infer<typeof SegmentCounts>;

export function emptyCounts(): SegmentCounts {
  return {
    usersScored: 0,
    itemsRead: 0,
    itemsWritten: 0,
    tierChanges: 0,
    tiers: Object.fromEntries([...RECALL_TIERS, 'active'].map((tier) => [tier, 0])),
    segments: Object.fromEntries(RFM_SEGMENTS.map((segment) => [segment, 0])),
    quadrants: Object.fromEntries(VALUE_QUADRANTS.map((quadrant) => [quadrant, 0])),
    readUnits: 0,
    writeUnits: 0,
    invocations: 0,
    lambdaMs: 0,
  };
}

function addInto(target: Record<string, number>, source: Record<string, number>): void {
  for (const [key, value] of Object.entries(source)) target[key] = (target[key] ?? 0) + value;
}

/** Adds counts together (a new object; the inputs are left alone). */
export function mergeCounts(...all: readonly SegmentCounts[]): SegmentCounts {
  const total = emptyCounts();
  for (const counts of all) {
    total.usersScored += counts.usersScored;
    total.itemsRead += counts.itemsRead;
    total.itemsWritten += counts.itemsWritten;
    total.tierChanges += counts.tierChanges;
    addInto(total.tiers, counts.tiers);
    addInto(total.segments, counts.segments);
    addInto(total.quadrants, counts.quadrants);
    total.readUnits += counts.readUnits;
    total.writeUnits += counts.writeUnits;
    total.invocations += counts.invocations;
    total.lambdaMs += counts.lambdaMs;
  }
  return total;
}

/** Counts the tier, RFM segment and quadrant of each score into `counts` (in place). */
export function tally(counts: SegmentCounts, scores: readonly UserScore[]): void {
  for (const score of scores) {
    counts.usersScored += 1;
    counts.tiers[score.tier] = (counts.tiers[score.tier] ?? 0) + 1;
    counts.segments[score.segment] = (counts.segments[score.segment] ?? 0) + 1;
    counts.quadrants[score.quadrant] = (counts.quadrants[score.quadrant] ?? 0) + 1;
  }
}

/** The run summary stored at the end of a run. */
export const RunSummary = z.object({
  runId: z.string(),
  date: z.iso.date(),
  paramsVersion: z.string(),
  refitted: z.boolean(),
  totalSegments: Count,
  startedAt: z.iso.datetime(),
  finishedAt: z.iso.datetime(),
  durationMs: z.number().min(0),
  /** Standard-workflow state transitions of the run, from the definition's known shape. */
  stateTransitions: Count,
  /** Read units spent drawing the sample (part of `totals.readUnits`). */
  sampleReadUnits: z.number().min(0),
  lambdaMemoryMb: Count,
  totals: SegmentCounts,
});
export type RunSummary = z.infer<typeof RunSummary>;

/**
 * Transitions of the nightly machine: PrepareRun, the Map state, per segment invocation its
 * ScoreSegment and SegmentDone? Choice, per segment its SegmentScored end, then Summarize. Task
 * retries would add one each; the integration test checks this against the local engine's count.
 */
export function nightlyTransitions(segments: number, segmentInvocations: number): number {
  return 1 + 1 + 2 * segmentInvocations + segments + 1;
}
