import {
  definitionOf,
  estimateTransitions,
  isInHoldout,
  JourneyAlreadyExists,
  reachableChannels,
  type JourneyMember,
  type JourneyStatus,
  type JourneyStore,
  type LaunchRequest,
  type ScoreReader,
} from '../../domain/journeys';
import type { Clock } from '../../domain/common';
import { enrollMembers, type EnrollPorts } from './enroll-members';
import { findAudience } from './find-audience';

export interface LaunchPorts extends EnrollPorts {
  clock: Clock;
  scores: ScoreReader;
  journeys: Pick<JourneyStore, 'create' | 'listMembers' | 'recordLaunch'>;
}

export interface LaunchResult {
  journeyId: string;
  status: JourneyStatus;
  relaunch: boolean;
  /** Reachable users the audience matched (on a relaunch: as the first launch recorded). */
  matched: number;
  /** Users this call enrolled. */
  enrolled: number;
  /** Users this call found already enrolled: they keep their first enrollment (on a relaunch: every member). */
  alreadyEnrolled: number;
  /** Of the users this call enrolled, those in the holdout. */
  holdout: number;
  /** Enrollments queued for a start: the treated users this call enrolled; on a relaunch, every treated member again. */
  queued: number;
  transitionsPerTreatedUser: number;
}

/**
 * Launches a journey: stores it running, selects the audience, records every reachable user's
 * enrollment (holdout included: recorded, never contacted) and queues the treated ones for the
 * starter. A user who is already a member (automatic recall or a hand-over got there between the
 * journey's creation and this enrollment) keeps that enrollment and is counted `alreadyEnrolled`.
 * Launching the same journey again re-queues the recorded enrollments with their own enrollment
 * time, so every start answers "already enrolled" and nobody is enrolled twice. The audience is
 * read with a parallel Scan of SCORE items (see DynamoScoreReader); at 10M users the launch
 * belongs in a Step Functions inline Map over scan segments instead of one Lambda.
 * @throws {JourneyAlreadyExists} when the id runs another definition or is no longer running.
 */
export async function launchJourney(request: LaunchRequest, ports: LaunchPorts): Promise<LaunchResult> {
  const definition = definitionOf(request);
  const now = ports.clock.now().toISOString();
  const created = await ports.journeys.create({ journeyId: definition.id, definition, audience: request.audience, status: 'running', launchedAt: now, updatedAt: now });
  const journey = created.journey;
  if (created.kind === 'exists') {
    if (journey.status !== 'running') throw new JourneyAlreadyExists(definition.id, `it is ${journey.status}`);
    if (JSON.stringify(journey.definition) !== JSON.stringify(definition)) throw new JourneyAlreadyExists(definition.id, 'with another definition; choose a new id');
    // A second launch resumes the first: the recorded members are queued again, with the same
    // enrollment time, so every start answers "already enrolled" (or starts one a crash left out).
    const members = await ports.journeys.listMembers(definition.id);
    const treated = members.filter((member) => !member.holdout);
    await ports.queue.enqueue(treated.map(({ userId, enrolledAt }) => ({ journeyId: definition.id, userId, enrolledAt })));
    const launch = { matched: journey.launch?.matched ?? members.length, enrolled: 0, alreadyEnrolled: members.length, holdout: 0, queued: treated.length };
    return { journeyId: definition.id, status: journey.status, relaunch: true, ...launch, transitionsPerTreatedUser: estimateTransitions(definition) };
  }
  const journeyChannels = new Set(definition.steps.flatMap((step) => (step.kind === 'send' ? step.channels : [])));
  const reachable = (await findAudience(journey.audience, ports)).filter((user) => reachableChannels(user).some((channel) => journeyChannels.has(channel)));
  const members: JourneyMember[] = reachable.map((user) => ({
    userId: user.userId,
    tier: user.tier ?? definition.tier,
    holdout: isInHoldout(definition.id, user.userId, definition.holdoutShare),
    enrolledAt: journey.launchedAt,
  }));
  const enrollment = await enrollMembers(definition.id, members, ports);
  const enrolled = enrollment.filter((outcome) => outcome.kind === 'enrolled');
  const queued = enrolled.filter((outcome) => !outcome.member.holdout).length;
  const launch = { matched: reachable.length, enrolled: enrolled.length, alreadyEnrolled: members.length - enrolled.length, holdout: enrolled.length - queued, queued };
  await ports.journeys.recordLaunch(definition.id, launch);
  return { journeyId: definition.id, status: journey.status, relaunch: false, ...launch, transitionsPerTreatedUser: estimateTransitions(definition) };
}
