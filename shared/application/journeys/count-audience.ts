import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Clock } from '../../domain/common';
import {
  addPreviewCounts,
  AudienceCountNotFound,
  audienceCountAnswer,
  countPreview,
  definitionOf,
  emptyPreviewCounts,
  matchesReach,
  scoreCriteriaOf,
  type AudienceCount,
  type AudienceCountAnswer,
  type AudienceCountStore,
  type CountCheckpoint,
  type CountWorkflow,
  type JourneyStore,
  type LaunchRequest,
  type ScoreReader,
} from '../../domain/journeys';

export interface RequestCountPorts {
  clock: Clock;
  counts: Pick<AudienceCountStore, 'create'>;
  countWorkflow: CountWorkflow;
}

/**
 * Asks for the exact count of a launch: validates the request as a launch would, stores it under a
 * new id and starts the count workflow, which runs the launch's selection without enrolling
 * anybody. Answers at once, whatever the audience's size; GET /v1/journeys/preview/{countId}
 * follows it. A count whose workflow could not be started is stored and asked for again by a new
 * request (the error is a 503 to retry).
 */
export async function requestAudienceCount(request: LaunchRequest, ports: RequestCountPorts, newId: () => string = randomUUID): Promise<AudienceCountAnswer> {
  const count: AudienceCount = {
    countId: newId(),
    definition: definitionOf(request),
    audience: request.audience,
    requestedAt: ports.clock.now().toISOString(),
  };
  await ports.counts.create(count);
  await ports.countWorkflow.start(count.countId);
  return audienceCountAnswer(count, []);
}

/** A count's progress, then its preview. @throws {AudienceCountNotFound} for an unknown (or expired) id. */
export async function audienceCountOf(countId: string, ports: { counts: Pick<AudienceCountStore, 'get' | 'checkpoints'> }): Promise<AudienceCountAnswer> {
  const [count, checkpoints] = await Promise.all([ports.counts.get(countId), ports.counts.checkpoints(countId)]);
  if (!count) throw new AudienceCountNotFound(countId);
  return audienceCountAnswer(count, checkpoints);
}

/** The CountSegment task's input: one iteration of the count workflow's Map. */
export const CountSegmentInput = z.object({
  countId: z.string().min(1),
  segment: z.number().int().min(0),
  totalSegments: z.number().int().min(1),
});
export type CountSegmentInput = z.infer<typeof CountSegmentInput>;

export interface CountSegmentResult extends CountSegmentInput {
  /** `more`: out of time, call again; `done`: counted to the segment's end. */
  state: 'more' | 'done';
  pages: number;
}

export interface CountSegmentPorts {
  clock: Clock;
  counts: Pick<AudienceCountStore, 'get' | 'checkpoint' | 'saveCheckpoint'>;
  scores: Pick<ScoreReader, 'scoredUsersPage'>;
  journeys: Pick<JourneyStore, 'get' | 'membersAmong'>;
  /** True when the invocation should hand back its cursor rather than read another page. */
  outOfTime: () => boolean;
}

/**
 * Counts one scan segment of an exact count, page after page from its stored cursor: the launch's
 * own page (the same scan, criteria and audience rule) counted as the preview counts (unreachable,
 * already members of the journey when it exists, holdout by stable hash, treatment, messages),
 * then checkpointed with the next cursor. A task that fails half-way goes on from the last
 * checkpoint, so every page is counted once. Writes nothing but the checkpoints.
 * @throws {AudienceCountNotFound} when the count is not stored.
 */
export async function countAudienceSegment(input: CountSegmentInput, ports: CountSegmentPorts): Promise<CountSegmentResult> {
  const { countId, segment, totalSegments } = input;
  const count = await ports.counts.get(countId);
  if (!count) throw new AudienceCountNotFound(countId);
  const journeyExists = (await ports.journeys.get(count.definition.id)) !== undefined;
  let checkpoint: CountCheckpoint = (await ports.counts.checkpoint(countId, segment)) ?? {
    segment,
    cursor: null,
    done: false,
    pages: 0,
    counts: emptyPreviewCounts(),
    countedAt: count.requestedAt,
  };
  for (let pagesThisCall = 0; ; pagesThisCall++) {
    if (checkpoint.done) return { ...input, state: 'done', pages: checkpoint.pages };
    if (pagesThisCall > 0 && ports.outOfTime()) return { ...input, state: 'more', pages: checkpoint.pages };
    const page = await ports.scores.scoredUsersPage(scoreCriteriaOf(count.audience), { segment, totalSegments, cursor: checkpoint.cursor });
    const matched = page.users.filter((user) => matchesReach(count.audience, user));
    const members =
      journeyExists && matched.length > 0
        ? await ports.journeys.membersAmong(
            count.definition.id,
            matched.map((user) => user.userId),
          )
        : new Set<string>();
    const next: CountCheckpoint = {
      segment,
      cursor: page.cursor,
      done: page.cursor === null,
      pages: checkpoint.pages + 1,
      counts: addPreviewCounts(checkpoint.counts, countPreview(count.definition, matched, members)),
      countedAt: ports.clock.now().toISOString(),
    };
    if (await ports.counts.saveCheckpoint(countId, next, checkpoint.pages)) checkpoint = next;
    // Another attempt checkpointed this page first: its count stands, go on from where it is.
    else checkpoint = (await ports.counts.checkpoint(countId, segment)) ?? checkpoint;
  }
}
