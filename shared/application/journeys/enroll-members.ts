import {
  automaticJourneyFor,
  isInHoldout,
  journeyExecutionName,
  type EnrollmentMessage,
  type EnrollmentStore,
  type EnrollOnceOutcome,
  type EnrollOptions,
  type JourneyDefinition,
  type JourneyMember,
  type JourneyStore,
  type LaunchQueue,
  type RecallTier,
} from '../../domain/journeys';
import { admittedAtEnrollment, experimentAssignment } from '../../domain/experiments';

export interface EnrollPorts {
  enrollments: Pick<EnrollmentStore, 'enrollOnce'>;
  queue: LaunchQueue;
}

/**
 * Records members and enrollments, each only if absent, then queues the treated ones this
 * enrollment holds for; answers, per member, `enrolled` or `already-enrolled` with the membership
 * as stored. A member found with the very enrollment time being written is this same
 * enrollment delivered again (a redelivered TierChanged, a retried hand-over step): it is answered
 * `enrolled` and queued again, so a crash between the write and the queue loses no start (the
 * starter answers "already enrolled" for one that runs). A member since another time is
 * `already-enrolled` and not queued: its execution runs with the first enrollment time.
 * The holdout is recorded and never queued: it is never contacted. A member a staged rollout
 * has not admitted yet is recorded and queued when its stage begins (experiments' rollout).
 */
export async function enrollMembers(
  journeyId: string,
  members: readonly JourneyMember[],
  ports: EnrollPorts,
  options: EnrollOptions = {},
): Promise<EnrollOnceOutcome[]> {
  const written = await ports.enrollments.enrollOnce(journeyId, members, (userId) => journeyExecutionName(journeyId, userId), options);
  const outcomes = written.map((outcome, i): EnrollOnceOutcome =>
    outcome.kind === 'already-enrolled' && outcome.member.enrolledAt === members[i]!.enrolledAt ? { kind: 'enrolled', member: outcome.member } : outcome,
  );
  const treated: EnrollmentMessage[] = outcomes
    .filter((outcome) => outcome.kind === 'enrolled' && !outcome.member.holdout && admittedAtEnrollment(outcome.member))
    .map(({ member: { userId, enrolledAt } }) => ({ journeyId, userId, enrolledAt }));
  await ports.queue.enqueue(treated);
  return outcomes;
}

/**
 * A user's membership of one journey after an enrollment: whether they were a member already, and
 * the membership as stored (the first enrollment's time and holdout draw).
 */
export interface JourneyEnrollment {
  journeyId: string;
  holdout: boolean;
  /** True when the user was a member since an earlier enrollment, which was kept: nothing was queued. */
  alreadyEnrolled: boolean;
  enrolledAt: string;
}

export interface StandingEnrollPorts extends EnrollPorts {
  journeys: Pick<JourneyStore, 'list'>;
}

/** The running journeys' definitions, where automatic recall and hand-overs look for the tier's standing journey. */
export async function runningDefinitions(journeys: Pick<JourneyStore, 'list'>): Promise<JourneyDefinition[]> {
  return (await journeys.list()).filter((journey) => journey.status === 'running').map((journey) => journey.definition);
}

/** Enrolls one user in `target` at `enrolledAt`, drawing the holdout by the journey's rule. */
export async function enrollUser(
  target: JourneyDefinition,
  userId: string,
  tier: RecallTier,
  enrolledAt: Date,
  ports: EnrollPorts,
): Promise<JourneyEnrollment> {
  const holdout = isInHoldout(target.id, userId, target.holdoutShare);
  const member: JourneyMember = { userId, tier, holdout, enrolledAt: enrolledAt.toISOString(), ...experimentAssignment(target, userId, holdout) };
  const outcome = (await enrollMembers(target.id, [member], ports))[0]!;
  return { journeyId: target.id, holdout: outcome.member.holdout, alreadyEnrolled: outcome.kind === 'already-enrolled', enrolledAt: outcome.member.enrolledAt };
}

/**
 * Escalation hand-over: enrolls the user in the standing journey of a later tier (running and
 * automatic, as automatic recall finds it), through the same path: member and enrollment records,
 * then the launch queue, whose starter answers "already enrolled" for a name that exists. A user
 * already in that journey (automatic recall got them there first) keeps their enrollment and is
 * answered `alreadyEnrolled`. Undefined when no standing journey of the tier runs.
 */
export async function handOverToTier(userId: string, toTier: RecallTier, enrolledAt: Date, ports: StandingEnrollPorts): Promise<JourneyEnrollment | undefined> {
  const target = automaticJourneyFor({ userId, fromTier: null, toTier }, await runningDefinitions(ports.journeys));
  if (!target) return undefined;
  return enrollUser(target, userId, toTier, enrolledAt, ports);
}
