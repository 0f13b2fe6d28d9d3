import { z } from 'zod';
import {
  addTallies,
  EMPTY_TALLY,
  JourneyNotFound,
  membersOfPage,
  scoreCriteriaOf,
  type EnrollmentStore,
  type JourneyStore,
  type LaunchProgressStore,
  type LaunchQueue,
  type LaunchTally,
  type ScoreReader,
  type SegmentCheckpoint,
} from '../../domain/journeys';
import { admittedAtEnrollment } from '../../domain/experiments';
import { enrollMembers } from './enroll-members';

/** The LaunchSegment task's input: one iteration of the launch workflow's Map. */
export const LaunchSegmentInput = z.object({
  journeyId: z.string().min(1),
  segment: z.number().int().min(0),
  totalSegments: z.number().int().min(1),
});
export type LaunchSegmentInput = z.infer<typeof LaunchSegmentInput>;

/**
 * Where the segment stands after the task: `more` (out of time, call again), `held` (the journey is
 * paused: wait, then call again) or `done` (selected to its end, or the journey was stopped).
 */
export type LaunchSegmentState = 'more' | 'held' | 'done';

export interface LaunchSegmentResult extends LaunchSegmentInput {
  state: LaunchSegmentState;
  /** Pages of the segment done so far, by every attempt. */
  pages: number;
  /** What the pages this call checkpointed counted (for the business metrics). */
  counted: LaunchTally;
}

export interface LaunchSegmentPorts {
  journeys: Pick<JourneyStore, 'get'>;
  scores: Pick<ScoreReader, 'scoredUsersPage'>;
  enrollments: Pick<EnrollmentStore, 'enrollOnce'>;
  queue: LaunchQueue;
  launches: Pick<LaunchProgressStore, 'checkpoint' | 'saveCheckpoint' | 'beginSegment'>;
  /** True when the invocation should hand back its cursor rather than start another page. */
  outOfTime: () => boolean;
}

/**
 * Selects, enrolls and queues one scan segment of a launch, page after page from the segment's
 * stored cursor: each page's matching, reachable users are enrolled only if absent (holdout drawn
 * by stable hash, recorded, never queued), the treated ones queued, and only then the checkpoint
 * written with the next cursor and the page's counts. A task that fails half-way is resumed from
 * the last checkpoint: the page it was on is enrolled again (every write answers "already there"
 * with the same enrollment, queued again for a start that answers "already enrolled") and counted
 * once. The journey's status is read before every page: paused holds the segment, stopped ends it.
 *
 * A stored checkpoint means its cursor's page may be in flight: an attempt may have written some
 * of it and failed. So the page after a checkpoint this call wrote itself (the segment's first
 * checkpoint, stored by `beginSegment` before any page, or the one after
 * the previous page) is written without reading first (`firstAttempt`, see EnrollOptions), and
 * the page after a checkpoint found stored (a retry, a resumed launch, the next call after a
 * hand-back, another attempt's) reads the members' records consistently first.
 * @throws {JourneyNotFound} when the journey is not stored.
 */
export async function launchSegment(input: LaunchSegmentInput, ports: LaunchSegmentPorts): Promise<LaunchSegmentResult> {
  const { journeyId, segment, totalSegments } = input;
  const first: SegmentCheckpoint = { segment, cursor: null, done: false, pages: 0, tally: EMPTY_TALLY };
  const stored = await ports.launches.checkpoint(journeyId, segment);
  /** True while the page at the checkpoint's cursor was never written: this call wrote that checkpoint. */
  let firstAttempt = !stored && (await ports.launches.beginSegment(journeyId, first));
  let checkpoint: SegmentCheckpoint = stored ?? (firstAttempt ? first : ((await ports.launches.checkpoint(journeyId, segment)) ?? first));
  let counted = EMPTY_TALLY;
  const answer = (state: LaunchSegmentState): LaunchSegmentResult => ({ ...input, state, pages: checkpoint.pages, counted });
  for (let pagesThisCall = 0; ; pagesThisCall++) {
    if (checkpoint.done) return answer('done');
    if (pagesThisCall > 0 && ports.outOfTime()) return answer('more');
    const journey = await ports.journeys.get(journeyId);
    if (!journey) throw new JourneyNotFound(journeyId);
    if (journey.status === 'paused') return answer('held');
    if (journey.status !== 'launching' && journey.status !== 'running') return answer('done');

    const page = await ports.scores.scoredUsersPage(scoreCriteriaOf(journey.audience), { segment, totalSegments, cursor: checkpoint.cursor });
    const members = membersOfPage(journey.definition, journey.audience, page.users, journey.launchedAt);
    // While the journey is launching its launch is its only enroller (see EnrollOptions).
    const outcomes = await enrollMembers(journeyId, members, ports, { soleEnroller: journey.status === 'launching', firstAttempt });
    const enrolled = outcomes.filter((outcome) => outcome.kind === 'enrolled');
    const holdout = enrolled.filter((outcome) => outcome.member.holdout).length;
    const tally: LaunchTally = {
      matched: members.length,
      enrolled: enrolled.length,
      alreadyEnrolled: members.length - enrolled.length,
      holdout,
      queued: enrolled.filter((outcome) => !outcome.member.holdout && admittedAtEnrollment(outcome.member)).length,
    };
    const next: SegmentCheckpoint = {
      segment,
      cursor: page.cursor,
      done: page.cursor === null,
      pages: checkpoint.pages + 1,
      tally: addTallies(checkpoint.tally, tally),
    };
    firstAttempt = await ports.launches.saveCheckpoint(journeyId, next, checkpoint.pages);
    if (firstAttempt) {
      checkpoint = next;
      counted = addTallies(counted, tally);
    }
    // Another attempt checkpointed this page first: its count stands, go on from where it is.
    else checkpoint = (await ports.launches.checkpoint(journeyId, segment)) ?? checkpoint;
  }
}
