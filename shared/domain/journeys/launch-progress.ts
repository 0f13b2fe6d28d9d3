/**
 * A launch's progress as the launch workflow leaves it: each scan segment's checkpoint (its scan
 * cursor and what its pages counted) and the executions the starter started. Pure: sums and the
 * rule of who a page enrolls.
 */
import { experimentAssignment } from '../experiments/journey-experiment';
import { z } from 'zod';
import { matchesReach, type AudienceFilter, type ScoredUser } from './audience';
import { reachableChannels } from './launch-preview';
import { isInHoldout } from './holdout';
import { sendStepsOf, type JourneyDefinition } from './journey-definition';
import type { JourneyMember } from './stored-journey';

/**
 * Scan segments of a launch's selection: the launch workflow's inline Map runs one iteration per
 * segment, each a parallel-scan segment resumed from its own cursor.
 */
export const LAUNCH_SCAN_SEGMENTS = 8;

/** What a launch (or one page of it) counted. `alreadyEnrolled`: matched users who were members already. */
export const LaunchTally = z.object({
  matched: z.number().int().min(0),
  enrolled: z.number().int().min(0),
  alreadyEnrolled: z.number().int().min(0),
  holdout: z.number().int().min(0),
  queued: z.number().int().min(0),
});
export type LaunchTally = z.infer<typeof LaunchTally>;

export const EMPTY_TALLY: LaunchTally = { matched: 0, enrolled: 0, alreadyEnrolled: 0, holdout: 0, queued: 0 };

export function addTallies(a: LaunchTally, b: LaunchTally): LaunchTally {
  return {
    matched: a.matched + b.matched,
    enrolled: a.enrolled + b.enrolled,
    alreadyEnrolled: a.alreadyEnrolled + b.alreadyEnrolled,
    holdout: a.holdout + b.holdout,
    queued: a.queued + b.queued,
  };
}

/**
 * Where one scan segment of a launch stands: the cursor of its next page (null when none is
 * left), the pages done and what they counted. Written after a page's enrollments are recorded and
 * queued, so a page that failed half-way is done again (enrollment is idempotent) and counted once.
 */
export const SegmentCheckpoint = z.object({
  segment: z.number().int().min(0),
  cursor: z.string().nullable(),
  done: z.boolean(),
  pages: z.number().int().min(0),
  tally: LaunchTally,
});
export type SegmentCheckpoint = z.infer<typeof SegmentCheckpoint>;

/** A launch as GET /v1/journeys/{id} shows it. */
export interface LaunchProgress extends LaunchTally {
  /** Executions the starter started (a start answered "already enrolled" is not counted again). */
  started: number;
  segmentsDone: number;
  totalSegments: number;
  /** True once every segment was selected, enrolled and queued. */
  selectionDone: boolean;
}

/** The progress of a launch from its segments' checkpoints and the started count. */
export function launchProgressOf(checkpoints: readonly SegmentCheckpoint[], started: number, totalSegments = LAUNCH_SCAN_SEGMENTS): LaunchProgress {
  const tally = checkpoints.reduce((sum, checkpoint) => addTallies(sum, checkpoint.tally), EMPTY_TALLY);
  const segmentsDone = checkpoints.filter((checkpoint) => checkpoint.done).length;
  return { ...tally, started, segmentsDone, totalSegments, selectionDone: segmentsDone >= totalSegments };
}

/**
 * The members a page of scored users brings to a journey: those matching the audience and
 * reachable on one of the journey's channels, each with their stable holdout draw, all enrolled at
 * the journey's launch time (so a page done again writes the very same members).
 */
export function membersOfPage(definition: JourneyDefinition, audience: AudienceFilter, users: readonly ScoredUser[], enrolledAt: string): JourneyMember[] {
  const journeyChannels = new Set(sendStepsOf(definition.steps).flatMap((step) => step.channels));
  return users
    .filter((user) => matchesReach(audience, user) && reachableChannels(user).some((channel) => journeyChannels.has(channel)))
    .map((user) => {
      const holdout = isInHoldout(definition.id, user.userId, definition.holdoutShare);
      return {
        userId: user.userId,
        tier: user.tier ?? definition.tier ?? null,
        holdout,
        enrolledAt,
        ...experimentAssignment(definition, user.userId, holdout),
      };
    });
}
