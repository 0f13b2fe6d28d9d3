/**
 * The exact count a marketer asks for before a launch (`POST /v1/journeys/preview` with
 * `"exact": true`, or any preview before the first audience summary): the launch's own selection
 * (the same scan segments, pages and audience rule) run by the count workflow without enrolling,
 * each segment counting its pages into a checkpoint. Pure: the records and how they add up.
 */
import { z } from 'zod';
import { AudienceFilter } from './audience';
import { JourneyDefinition } from './journey-definition';
import { LAUNCH_SCAN_SEGMENTS } from './launch-progress';
import {
  addPreviewCounts,
  emptyPreviewCounts,
  previewFromCounts,
  PreviewCounts,
  type CostAssumptions,
  type CostPrices,
  type JourneyLaunchPreview,
} from './launch-preview';

/** Counts are kept a week: long enough to read the answer, short enough not to pile up. */
export const AUDIENCE_COUNT_RETENTION_DAYS = 7;

/** An exact count as stored when asked for: the launch it previews. */
export const AudienceCount = z.object({
  countId: z.string().min(1),
  definition: JourneyDefinition,
  audience: AudienceFilter,
  requestedAt: z.iso.datetime(),
  /** Why the count workflow failed after its retries (its Catch writes it). */
  failure: z.object({ error: z.string(), cause: z.string() }).optional(),
});
export type AudienceCount = z.infer<typeof AudienceCount>;

/** Where one scan segment of a count stands: the cursor of its next page, the pages done and what they counted. */
export const CountCheckpoint = z.object({
  segment: z.number().int().min(0),
  cursor: z.string().nullable(),
  done: z.boolean(),
  pages: z.number().int().min(0),
  counts: PreviewCounts,
  /** When the segment's last page was counted. */
  countedAt: z.iso.datetime(),
});
export type CountCheckpoint = z.infer<typeof CountCheckpoint>;

/** A count as GET /v1/journeys/preview/{countId} answers it: its progress, then the preview. */
export type AudienceCountAnswer = {
  countId: string;
  journeyId: string;
  requestedAt: string;
  segmentsDone: number;
  totalSegments: number;
  /** Users matched in the pages counted so far. */
  matchedSoFar: number;
} & (
  | { status: 'counting' }
  | { status: 'failed'; failure: { error: string; cause: string } }
  | { status: 'done'; countedAt: string; preview: JourneyLaunchPreview & { source: 'count'; exact: true; countedAt: string } }
);

/**
 * The answer for a count from its checkpoints: done once every segment is, priced from the
 * segments' summed counts (the same sum in whatever order the segments finished).
 */
export function audienceCountAnswer(
  count: AudienceCount,
  checkpoints: readonly CountCheckpoint[],
  options: { totalSegments?: number; prices?: CostPrices; assumptions?: CostAssumptions } = {},
): AudienceCountAnswer {
  const totalSegments = options.totalSegments ?? LAUNCH_SCAN_SEGMENTS;
  const counts = checkpoints.reduce((sum, checkpoint) => addPreviewCounts(sum, checkpoint.counts), emptyPreviewCounts());
  const segmentsDone = checkpoints.filter((checkpoint) => checkpoint.done).length;
  const base = {
    countId: count.countId,
    journeyId: count.definition.id,
    requestedAt: count.requestedAt,
    segmentsDone,
    totalSegments,
    matchedSoFar: counts.matched,
  };
  if (count.failure) return { ...base, status: 'failed', failure: count.failure };
  if (segmentsDone < totalSegments) return { ...base, status: 'counting' };
  const countedAt = checkpoints.map((checkpoint) => checkpoint.countedAt).reduce((latest, at) => (at > latest ? at : latest), count.requestedAt);
  return {
    ...base,
    status: 'done',
    countedAt,
    preview: { source: 'count', exact: true, countedAt, ...previewFromCounts(count.definition, counts, options.prices, options.assumptions) },
  };
}
