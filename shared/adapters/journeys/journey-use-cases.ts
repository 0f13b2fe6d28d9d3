import { z } from 'zod';
import type { Clock } from '../../domain/common';
import type { DailyActivity } from '../../domain/events/daily-activity';
import {
  applyJourneyCommand,
  AudienceFilter,
  automaticJourneyFor,
  buildExecutionInput,
  buildJourneyReport,
  compileJourneyPlan,
  DEFAULT_JOURNEY_INPUTS,
  estimateTransitions,
  isInHoldout,
  journeyExecutionName,
  JourneyId,
  matchesAudience,
  parseJourneyDefinition,
  previewJourneyLaunch,
  reachableChannels,
  RecallTier,
  type JourneyDefinition,
  type JourneyLaunchPreview,
  type JourneyReport,
  type JourneyStatus,
  type ScoredUser,
  type UserJourneyOutcome,
} from '../../domain/journeys';
import type { DynamoEnrollmentStore, EnrollOnceOutcome, UserJourneyRecords } from './enrollment-store';
import { JourneyAlreadyExists, JourneyNotFound } from './errors';
import type { ExecutionStarter, StartOutcome } from './execution-starter';
import type { DynamoJourneyStore, JourneyMember, StoredJourney } from './journey-store';
import type { EnrollmentMessage, SqsLaunchQueue } from './launch-queue';
import type { DynamoScoreReader } from './score-reader';
import { forEachConcurrently } from '../dynamodb/client';

/** The body of POST /v1/journeys and /v1/journeys/preview: a definition, or a shipped default by tier. */
export const LaunchRequest = z
  .object({
    id: JourneyId.optional(),
    defaultTier: RecallTier.optional(),
    definition: z.record(z.string(), z.unknown()).optional(),
    automatic: z.boolean().optional(),
    audience: AudienceFilter.default({}),
  })
  .refine((request) => (request.definition === undefined) !== (request.defaultTier === undefined), { message: 'give either definition or defaultTier', path: ['definition'] });
export type LaunchRequest = z.infer<typeof LaunchRequest>;

/** The definition a request asks for, validated (throws JourneyDefinitionInvalid naming each field). */
export function definitionOf(request: LaunchRequest): JourneyDefinition {
  const base = request.definition ?? DEFAULT_JOURNEY_INPUTS[request.defaultTier ?? 'R1'];
  return parseJourneyDefinition({
    ...base,
    ...(request.id === undefined ? {} : { id: request.id }),
    ...(request.automatic === undefined ? {} : { automatic: request.automatic }),
  });
}

export interface AudiencePorts {
  scores: DynamoScoreReader;
  journeys: DynamoJourneyStore;
}

/** Scored users matching the filter: score-only criteria first, then locale and consents from profiles. */
async function matchedUsers(filter: AudienceFilter, ports: AudiencePorts): Promise<ScoredUser[]> {
  const { locales: _locales, requiredConsents: _consents, ...scoreOnly } = filter;
  const everyone = { locale: 'any', consents: { email: true, sms: true, push: true }, suppressed: { email: false, sms: false, push: false }, unsubscribed: false, sunset: false };
  const users = await ports.scores.scoredUsers((score) => matchesAudience(scoreOnly, { ...score, ...everyone }));
  return users.filter((user) => matchesAudience(filter, user));
}

/**
 * The domain's dry run on the audience as selected right now. When the journey exists, matched
 * users who are already its members are counted apart: a launch would not enroll them again.
 */
export async function previewLaunch(request: LaunchRequest, ports: AudiencePorts): Promise<JourneyLaunchPreview> {
  const definition = definitionOf(request);
  const users = await matchedUsers(request.audience, ports);
  const members = (await ports.journeys.get(definition.id)) ? await ports.journeys.membersAmong(definition.id, users.map((user) => user.userId)) : new Set<string>();
  return previewJourneyLaunch(definition, users, members);
}

export interface LaunchPorts extends AudiencePorts {
  clock: Clock;
  enrollments: DynamoEnrollmentStore;
  queue: SqsLaunchQueue;
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
 * time, so every start answers "already enrolled" and nobody is enrolled twice. The
 * audience is read with a parallel Scan of SCORE items (see DynamoScoreReader); at 10M users the
 * launch belongs in a Step Functions inline Map over scan segments instead of one Lambda.
 */
export async function launchJourney(request: LaunchRequest, ports: LaunchPorts): Promise<LaunchResult> {
  const definition = definitionOf(request);
  const now = ports.clock.now().toISOString();
  const created = await ports.journeys.create({ journeyId: definition.id, definition, audience: request.audience, status: 'running', launchedAt: now, updatedAt: now });
  const journey = created.journey;
  if (created.kind === 'exists') {
    if (journey.status !== 'running') throw new JourneyAlreadyExists(definition.id, `it is ${journey.status}`);
    if (JSON.stringify(journey.definition) !== JSON.stringify(definition)) throw new JourneyAlreadyExists(definition.id, 'with another definition; choose a new id');
  }
  if (created.kind === 'exists') {
    // A second launch resumes the first: the recorded members are queued again, with the same
    // enrollment time, so every start answers "already enrolled" (or starts one a crash left out).
    const members = await ports.journeys.listMembers(definition.id);
    const treated = members.filter((member) => !member.holdout);
    await ports.queue.enqueue(treated.map(({ userId, enrolledAt }) => ({ journeyId: definition.id, userId, enrolledAt })));
    const launch = { matched: journey.launch?.matched ?? members.length, enrolled: 0, alreadyEnrolled: members.length, holdout: 0, queued: treated.length };
    return { journeyId: definition.id, status: journey.status, relaunch: true, ...launch, transitionsPerTreatedUser: estimateTransitions(definition) };
  }
  const journeyChannels = new Set(definition.steps.flatMap((step) => (step.kind === 'send' ? step.channels : [])));
  const reachable = (await matchedUsers(journey.audience, ports)).filter((user) => reachableChannels(user).some((channel) => journeyChannels.has(channel)));
  const members: JourneyMember[] = reachable.map((user) => ({
    userId: user.userId,
    tier: user.tier ?? definition.tier,
    holdout: isInHoldout(definition.id, user.userId, definition.holdoutShare),
    enrolledAt: journey.launchedAt,
  }));
  const enrollment = await enroll(definition.id, members, ports);
  const enrolled = enrollment.filter((outcome) => outcome.kind === 'enrolled');
  const queued = enrolled.filter((outcome) => !outcome.member.holdout).length;
  const launch = { matched: reachable.length, enrolled: enrolled.length, alreadyEnrolled: members.length - enrolled.length, holdout: enrolled.length - queued, queued };
  await ports.journeys.recordLaunch(definition.id, launch);
  return { journeyId: definition.id, status: journey.status, relaunch: false, ...launch, transitionsPerTreatedUser: estimateTransitions(definition) };
}

/**
 * Records members and enrollments, each only if absent, then queues the treated ones this
 * enrollment holds for; answers, per member, `enrolled` or `already-enrolled` with the membership
 * as stored. A member found with the very enrollment time being written is this same
 * enrollment delivered again (a redelivered TierChanged, a retried hand-over step): it is answered
 * `enrolled` and queued again, so a crash between the write and the queue loses no start (the
 * starter answers "already enrolled" for one that runs). A member since another time is
 * `already-enrolled` and not queued: its execution runs with the first enrollment time.
 */
async function enroll(journeyId: string, members: readonly JourneyMember[], ports: Pick<LaunchPorts, 'enrollments' | 'queue'>): Promise<EnrollOnceOutcome[]> {
  const written = await ports.enrollments.enrollOnce(journeyId, members, (userId) => journeyExecutionName(journeyId, userId));
  const outcomes = written.map((outcome, i): EnrollOnceOutcome =>
    outcome.kind === 'already-enrolled' && outcome.member.enrolledAt === members[i]!.enrolledAt ? { kind: 'enrolled', member: outcome.member } : outcome,
  );
  const treated: EnrollmentMessage[] = outcomes
    .filter((outcome) => outcome.kind === 'enrolled' && !outcome.member.holdout)
    .map(({ member: { userId, enrolledAt } }) => ({ journeyId, userId, enrolledAt }));
  await ports.queue.enqueue(treated);
  return outcomes;
}

export interface StarterPorts {
  journeys: DynamoJourneyStore;
  starter: ExecutionStarter;
}

/**
 * Starts the execution of one queued enrollment under its deterministic name. A journey stopped in
 * the meantime starts nothing.
 */
export async function startEnrollment(message: EnrollmentMessage, journey: StoredJourney, ports: StarterPorts): Promise<StartOutcome | 'journey-closed'> {
  if (journey.status !== 'running' && journey.status !== 'paused') return 'journey-closed';
  const input = buildExecutionInput(compileJourneyPlan(journey.definition), message.userId, new Date(message.enrolledAt));
  return ports.starter.start(journeyExecutionName(message.journeyId, message.userId), JSON.stringify(input));
}

export const JourneyControlCommand = z.enum(['pause', 'resume', 'stop']);
export type JourneyControlCommand = z.infer<typeof JourneyControlCommand>;

export interface ControlPorts {
  clock: Clock;
  journeys: DynamoJourneyStore;
  starter: ExecutionStarter;
}

/**
 * Pauses, resumes or stops a journey (IllegalJourneyTransition when the status does not allow it).
 * Paused executions hold each step and re-check daily; stopping also stops every open execution.
 */
export async function controlJourney(journeyId: string, command: JourneyControlCommand, ports: ControlPorts): Promise<{ journey: StoredJourney; executionsStopped: number }> {
  const journey = await ports.journeys.get(journeyId);
  if (!journey) throw new JourneyNotFound(journeyId);
  const next = applyJourneyCommand(journey.status, command);
  if (!(await ports.journeys.transition(journeyId, journey.status, next, ports.clock.now()))) return controlJourney(journeyId, command, ports);
  let executionsStopped = 0;
  if (command === 'stop') {
    const treated = (await ports.journeys.listMembers(journeyId)).filter((member) => !member.holdout);
    await forEachConcurrently(treated, 8, async (member) => {
      await ports.starter.stop(journeyExecutionName(journeyId, member.userId), `journey ${journeyId} was stopped`);
      executionsStopped += 1;
    });
  }
  return { journey: { ...journey, status: next }, executionsStopped };
}

export interface ReportPorts {
  journeys: DynamoJourneyStore;
  enrollments: DynamoEnrollmentStore;
  activitySince(userId: string, fromDay: string): Promise<DailyActivity[]>;
}

const DAY_MS = 86_400_000;
const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** What one member's records and aggregates say, in the shape the domain's report takes. */
export function outcomeOf(member: JourneyMember, records: UserJourneyRecords, days: readonly DailyActivity[]): UserJourneyOutcome {
  const enrolledMs = Date.parse(member.enrolledAt);
  const enrolledDay = dayOf(enrolledMs);
  const after = days.filter((day) => day.day >= enrolledDay && Date.parse(day.lastEventAt) > enrolledMs);
  const comebackDays = after.filter((day) => day.sessions > 0 || day.purchases > 0).map((day) => day.day);
  const firstComeback = comebackDays[0];
  const channelOutcomes = records.steps.flatMap((step) => (step.kind === 'send' ? Object.values(step.channels) : []));
  const contacted = channelOutcomes.some((outcome) => outcome.kind === 'sent');
  return {
    userId: member.userId,
    tier: member.tier,
    holdout: member.holdout,
    contacted,
    skippedReasons: channelOutcomes.flatMap((outcome) => (outcome.kind === 'skipped' ? [outcome.reason ?? 'unknown'] : [])),
    // No delivery feedback is wired yet: an accepted send counts as delivered.
    delivered: contacted,
    opened: after.some((day) => day.messageOpens > 0),
    clicked: after.some((day) => day.messageClicks > 0),
    reactivatedWithin7d: firstComeback !== undefined && firstComeback <= dayOf(enrolledMs + 7 * DAY_MS),
    reactivatedWithin30d: firstComeback !== undefined && firstComeback <= dayOf(enrolledMs + 30 * DAY_MS),
    revenueAfterEnrollment: after.reduce((total, day) => total + day.purchaseAmount, 0),
    featuresUsedBefore: [...new Set(days.filter((day) => day.day < enrolledDay).flatMap((day) => Object.keys(day.featureUses)))],
    featuresUsedAfterReactivation:
      firstComeback === undefined ? [] : [...new Set(after.filter((day) => day.day >= firstComeback).flatMap((day) => Object.keys(day.featureUses)))],
  };
}

export interface JourneyReportAnswer {
  journey: StoredJourney;
  report: JourneyReport;
  exits: Record<string, number>;
  failures: number;
}

/** The domain's report from recorded outcomes and the daily aggregates (30 days of history before enrollment for spill-over). */
export async function reportJourney(journeyId: string, ports: ReportPorts): Promise<JourneyReportAnswer> {
  const journey = await ports.journeys.get(journeyId);
  if (!journey) throw new JourneyNotFound(journeyId);
  const members = await ports.journeys.listMembers(journeyId);
  const records = await ports.enrollments.recordsOf(journeyId, members.map((member) => member.userId));
  const outcomes: UserJourneyOutcome[] = [];
  const exits: Record<string, number> = {};
  let failures = 0;
  await forEachConcurrently(members, 16, async (member) => {
    const days = await ports.activitySince(member.userId, dayOf(Date.parse(member.enrolledAt) - 30 * DAY_MS));
    const memberRecords = records.get(member.userId) ?? { steps: [] };
    outcomes.push(outcomeOf(member, memberRecords, days));
    if (memberRecords.exit) exits[memberRecords.exit.reason] = (exits[memberRecords.exit.reason] ?? 0) + 1;
    if (memberRecords.failure) failures += 1;
  });
  outcomes.sort((a, b) => a.userId.localeCompare(b.userId));
  return { journey, report: buildJourneyReport(journeyId, outcomes), exits, failures };
}

/** TierChanged as nightly scoring emits it on EventBridge (source rekindle.scoring). */
export const TierChangedDetail = z.object({
  userId: z.string().min(1),
  from: z.union([RecallTier, z.literal('active'), z.null()]).transform((tier) => (tier === 'active' ? null : tier)),
  to: z.union([RecallTier, z.literal('active'), z.null()]).transform((tier) => (tier === 'active' ? null : tier)),
  date: z.string().min(1),
});
export type TierChangedDetail = z.infer<typeof TierChangedDetail>;

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

/**
 * Automatic recall: enrolls the user in the running, automatic journey of the new tier, if there is
 * one. The enrollment time is the event's, so a redelivered event enrolls the same way once; a
 * user already in that journey keeps their enrollment (`alreadyEnrolled`).
 */
export async function enrollOnTierChange(
  change: TierChangedDetail,
  eventTime: string,
  ports: Pick<LaunchPorts, 'journeys' | 'enrollments' | 'queue'>,
): Promise<JourneyEnrollment | undefined> {
  const running = (await ports.journeys.list()).filter((journey) => journey.status === 'running').map((journey) => journey.definition);
  const target = automaticJourneyFor({ userId: change.userId, fromTier: change.from, toTier: change.to }, running);
  if (!target || change.to === null) return undefined;
  return enrollInJourney(target, change.userId, change.to, new Date(eventTime), ports);
}

/**
 * Escalation hand-over: enrolls the user in the standing journey of a later tier (running and
 * automatic, as automatic recall finds it), through the same path: member and enrollment records,
 * then the launch queue, whose starter answers "already enrolled" for a name that exists. A user
 * already in that journey (automatic recall got them there first) keeps their enrollment and is
 * answered `alreadyEnrolled`. Undefined when no standing journey of the tier runs.
 */
export async function handOverToTier(
  userId: string,
  toTier: RecallTier,
  enrolledAt: Date,
  ports: Pick<LaunchPorts, 'journeys' | 'enrollments' | 'queue'>,
): Promise<JourneyEnrollment | undefined> {
  const running = (await ports.journeys.list()).filter((journey) => journey.status === 'running').map((journey) => journey.definition);
  const target = automaticJourneyFor({ userId, fromTier: null, toTier }, running);
  if (!target) return undefined;
  return enrollInJourney(target, userId, toTier, enrolledAt, ports);
}

async function enrollInJourney(
  target: JourneyDefinition,
  userId: string,
  tier: RecallTier,
  enrolledAt: Date,
  ports: Pick<LaunchPorts, 'enrollments' | 'queue'>,
): Promise<JourneyEnrollment> {
  const member: JourneyMember = { userId, tier, holdout: isInHoldout(target.id, userId, target.holdoutShare), enrolledAt: enrolledAt.toISOString() };
  const outcome = (await enroll(target.id, [member], ports))[0]!;
  return { journeyId: target.id, holdout: outcome.member.holdout, alreadyEnrolled: outcome.kind === 'already-enrolled', enrolledAt: outcome.member.enrolledAt };
}
