import { z } from 'zod';
import { AudienceFilter } from './audience';
import { JourneyDefinition, RecallTier } from './journey-definition';
import { JourneyStatus } from './journey-lifecycle';

/** A launched journey as stored: what runs, on whom, and where it stands. */
export const StoredJourney = z.object({
  journeyId: z.string().min(1),
  definition: JourneyDefinition,
  audience: AudienceFilter,
  status: JourneyStatus,
  launchedAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  launch: z
    .object({
      matched: z.number().int(),
      enrolled: z.number().int(),
      /** Matched users who were members already (enrolled by automatic recall or a hand-over meanwhile); absent on older items. */
      alreadyEnrolled: z.number().int().optional(),
      holdout: z.number().int(),
      queued: z.number().int(),
    })
    .optional(),
  /** The launch workflow's attempt: its execution is named for it, a resumed launch runs the next one. Absent on older items. */
  launchAttempt: z.number().int().min(1).optional(),
  /** Why the launch workflow's last attempt failed (its Catch records it); a launch request resumes it. */
  launchFailure: z.object({ error: z.string(), cause: z.string() }).optional(),
});
export type StoredJourney = z.infer<typeof StoredJourney>;

/** What a first launch counted, as the journey keeps it. */
export type LaunchCounts = NonNullable<StoredJourney['launch']>;

/** One enrolled user, as the journey's member list keeps them. */
export const JourneyMember = z.object({
  userId: z.string().min(1),
  /** The recall tier the user was enrolled for; null in a lifecycle journey (entered by an event). */
  tier: RecallTier.nullable(),
  holdout: z.boolean(),
  enrolledAt: z.iso.datetime(),
  /** Experiments: send number → variant id, and the rollout stage that admits the member (shared/domain/experiments). */
  variants: z.record(z.string(), z.string()).optional(),
  rolloutStage: z.number().int().min(0).optional(),
  /** Entries so far, in a journey users may re-enter (enrolledAt is the latest's); absent: one. */
  entries: z.number().int().min(1).optional(),
});
export type JourneyMember = z.infer<typeof JourneyMember>;

export type CreateJourneyOutcome = { kind: 'created'; journey: StoredJourney } | { kind: 'exists'; journey: StoredJourney };

/**
 * What writing one enrollment came to: the member written now, or the member found already
 * enrolled (as stored: their first enrollment time, tier and holdout), whose records were left alone.
 */
export type EnrollOnceOutcome = { kind: 'enrolled'; member: JourneyMember } | { kind: 'already-enrolled'; member: JourneyMember };

/** One enrollment waiting for its execution to be started (the launch queue's message). */
export const EnrollmentMessage = z.object({
  journeyId: z.string().min(1),
  userId: z.string().min(1),
  enrolledAt: z.iso.datetime(),
  /** The user's entry number (a journey that lets users re-enter); absent: the first. */
  entry: z.number().int().min(2).optional(),
});
export type EnrollmentMessage = z.infer<typeof EnrollmentMessage>;

/** What starting one execution came to: `already-enrolled` when its deterministic name exists. */
export type StartOutcome = 'started' | 'already-enrolled';
