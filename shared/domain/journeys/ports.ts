/**
 * The ports the journey use cases (shared/application/journeys) run on. Adapters in
 * shared/adapters/journeys implement them over DynamoDB, SQS, Step Functions and the send path;
 * test/support/fakes implements them in memory.
 */
import type { Clock } from '../common';
import type { DailyActivity } from '../events/daily-activity';
import type { SendOutcome } from '../messaging';
import type { ScoreCriteria, ScoredUser } from './audience';
import type { JourneyChannel } from './journey-definition';
import type { JourneyStatus } from './journey-lifecycle';
import type { PlanSendStep } from './journey-plan';
import type { ExitRecord, StepRecord, UserJourneyRecords } from './journey-records';
import type { AudienceSummary } from './audience-summary';
import type { AudienceCount, CountCheckpoint } from './audience-count';
import type { BranchScore, EntryHistory, ReentryRefusal } from './lifecycle';
import type { SegmentCheckpoint } from './launch-progress';
import type { CreateJourneyOutcome, EnrollOnceOutcome, EnrollmentMessage, JourneyMember, LaunchCounts, StartOutcome, StoredJourney } from './stored-journey';

/** Journeys and their member lists. */
export interface JourneyStore {
  /** Creates the journey; an existing id answers `exists` with what is stored. */
  create(journey: StoredJourney): Promise<CreateJourneyOutcome>;
  /** Read strongly consistent: every step of every execution asks for the status. */
  get(journeyId: string): Promise<StoredJourney | undefined>;
  /** Every journey, newest launch first. */
  list(): Promise<StoredJourney[]>;
  /** Moves the journey from `from` to `to` only if it is still `from`; false when it had changed. */
  transition(journeyId: string, from: JourneyStatus, to: JourneyStatus, at: Date): Promise<boolean>;
  recordLaunch(journeyId: string, launch: LaunchCounts): Promise<void>;
  /**
   * Moves the journey's launch from attempt `from` to `to` (clearing the last attempt's failure)
   * only if it is still at `from`: two requests resuming a failed launch start one attempt.
   */
  beginLaunchAttempt(journeyId: string, from: number, to: number): Promise<boolean>;
  /** Which of `userIds` are members of the journey. */
  membersAmong(journeyId: string, userIds: readonly string[]): Promise<Set<string>>;
  /** Every member, by user id. */
  listMembers(journeyId: string): Promise<JourneyMember[]>;
}

/** How {@link EnrollmentStore.enrollOnce} may write. */
export interface EnrollOptions {
  /**
   * Nobody else enrolls users in this journey while these members are written, and every writer of
   * it writes the same items for a user (a launch while its journey is `launching`: automatic
   * recall and hand-overs enroll only in running journeys, lifecycle journeys are never launched,
   * and a launch's members are a function of journey, user and launch time). The store may then
   * find the members already there by one consistent read and write the others in batches, with
   * no condition per item; records already there are never written again.
   */
  soleEnroller?: boolean;
  /**
   * With `soleEnroller`: no attempt has written any of these members before (a launch's page on
   * its first attempt: see launch-segment.ts), so none of their records exists and the store
   * writes them without reading first.
   */
  firstAttempt?: boolean;
}

/** The per-user records of a journey: enrollments, what each step did, why an execution left. */
export interface EnrollmentStore {
  /**
   * Enrolls each member once (member item and enrollment record together, each only if absent);
   * a user who is already a member keeps the first enrollment and is answered `already-enrolled`
   * with it. Outcomes come in the members' order.
   */
  enrollOnce(
    journeyId: string,
    members: readonly JourneyMember[],
    executionNameOf: (userId: string) => string,
    options?: EnrollOptions,
  ): Promise<EnrollOnceOutcome[]>;
  /** Records what a step did (under its entry); a retried step overwrites its own record with the same facts. */
  putStep(journeyId: string, userId: string, record: StepRecord): Promise<void>;
  putExit(journeyId: string, userId: string, record: ExitRecord): Promise<void>;
  /** The user's entries of the journey as the enrollment record keeps them (strongly consistent); undefined before the first. */
  entryHistory(journeyId: string, userId: string): Promise<EntryHistory | undefined>;
  /**
   * Writes entry `entry` of the member (the member item and the enrollment record; for the first,
   * each only if absent; for a later one, only if the record still shows `entry - 1` entries), with
   * the event that made it. `changed`: another entry was written meanwhile; read again and decide again.
   */
  enter(journeyId: string, member: JourneyMember, entry: number, eventId: string, executionName: string): Promise<'entered' | 'changed'>;
  /** Records that the user left entry `entry` at `at` (the start of a cooldown); a later entry's record is left alone. */
  recordLeft(journeyId: string, userId: string, entry: number, at: Date): Promise<void>;
  /** Counts a refused entry, under the user and for the journey. */
  countRefusedEntry(journeyId: string, userId: string, reason: ReentryRefusal): Promise<void>;
  /** The journey's refused entries by reason. */
  refusedEntries(journeyId: string): Promise<Partial<Record<ReentryRefusal, number>>>;
  /** The records of many users, keyed by user id. */
  recordsOf(journeyId: string, userIds: readonly string[]): Promise<Map<string, UserJourneyRecords>>;
}

/** Which page of a parallel scan to read: the segment, and where its last page ended (null: from the start). */
export interface ScanPage {
  segment: number;
  totalSegments: number;
  cursor: string | null;
}

/** One page of scored users and the cursor of the next (null when the segment is done). */
export interface ScoredUsersPage {
  users: ScoredUser[];
  cursor: string | null;
}

/**
 * Scored users for audience selection: exactly those whose score meets `criteria` (the store
 * judges them, on the score itself wherever the index's bands do not settle a range), with their
 * locale and consents; the audience's locale and consent criteria are the caller's (matchesReach).
 */
export interface ScoreReader {
  scoredUsers(criteria: ScoreCriteria): Promise<ScoredUser[]>;
  /** One user's latest score, as a branch reads it; undefined when the user has not been scored. */
  scoreOf(userId: string): Promise<BranchScore | undefined>;
  /** One page of one scan segment: the launch workflow's selection reads the scores this way, resumably. */
  scoredUsersPage(criteria: ScoreCriteria, page: ScanPage): Promise<ScoredUsersPage>;
}

/** A launch's progress: each scan segment's checkpoint and the executions started. */
export interface LaunchProgressStore {
  checkpoint(journeyId: string, segment: number): Promise<SegmentCheckpoint | undefined>;
  /** Every segment's checkpoint written so far. */
  checkpoints(journeyId: string): Promise<SegmentCheckpoint[]>;
  /**
   * Writes the checkpoint only if the stored one still has `previousPages` pages done (0: none
   * stored yet); false when another attempt wrote it first, whose count stands.
   */
  saveCheckpoint(journeyId: string, checkpoint: SegmentCheckpoint, previousPages: number): Promise<boolean>;
  /**
   * Stores the segment's first checkpoint (no page done: its first page may be in flight from
   * here on) if none is stored; true when this call stored it, so that no attempt can have written
   * any of the segment's pages before.
   */
  beginSegment(journeyId: string, checkpoint: SegmentCheckpoint): Promise<boolean>;
  /** Adds executions the starter started. */
  addStarted(journeyId: string, count: number): Promise<void>;
  started(journeyId: string): Promise<number>;
}

/** Exact counts asked for before a launch, and their segments' checkpoints. */
export interface AudienceCountStore {
  /** Stores a new count; its id is new. */
  create(count: AudienceCount): Promise<void>;
  get(countId: string): Promise<AudienceCount | undefined>;
  checkpoint(countId: string, segment: number): Promise<CountCheckpoint | undefined>;
  checkpoints(countId: string): Promise<CountCheckpoint[]>;
  /** As {@link LaunchProgressStore.saveCheckpoint}: only over the checkpoint the page started from. */
  saveCheckpoint(countId: string, checkpoint: CountCheckpoint, previousPages: number): Promise<boolean>;
}

/** The count workflow: the launch's selection over scan segments, counting instead of enrolling. */
export interface CountWorkflow {
  /** Starts the count under a name of its id; a count already started is fine. */
  start(countId: string): Promise<void>;
}

/** The nightly audience summary, as the journeys feature keeps it. */
export interface AudienceSummaryStore {
  latest(): Promise<AudienceSummary | undefined>;
  /** Replaces the latest summary whole: a reader sees the old one or the new one, never a mix. */
  save(summary: AudienceSummary): Promise<void>;
}

/** The last nightly scoring run that finished, as far as the audience summary needs it. */
export interface ScoringRuns {
  latestFinished(): Promise<{ date: string; finishedAt: string } | undefined>;
}

/** The launch workflow (a Standard state machine): selection, enrollment and queueing over scan segments. */
export interface LaunchWorkflow {
  /** Starts the journey's launch attempt under a deterministic name; an attempt already started is fine. */
  start(journeyId: string, attempt: number): Promise<void>;
}

/** Daily aggregates of a user from `fromDay` (UTC, inclusive). */
export interface ActivityReader {
  activitySince(userId: string, fromDay: string): Promise<DailyActivity[]>;
}

/** The launch queue: enrollments in, the starter out at a controlled rate. */
export interface LaunchQueue {
  /**
   * Queues the enrollments, several of a journey to a message; `oneEach` puts each in a message of
   * its own (a start queued again after it failed: its message then succeeds or fails alone).
   */
  enqueue(messages: readonly EnrollmentMessage[], options?: { oneEach?: boolean }): Promise<void>;
}

/** Starts and stops journey executions by their deterministic names. */
export interface ExecutionStarter {
  /** `already-enrolled` when the name exists; throws a named retryable error when starting keeps failing. */
  start(name: string, input: string): Promise<StartOutcome>;
  /** Stops the execution if it runs; one never started (or already closed) is fine. */
  stop(name: string, cause: string): Promise<void>;
}

/** The system kill switch the messaging feature owns: read at every step, never cached. */
export interface KillSwitch {
  read(): Promise<{ active: boolean }>;
}

/** The send path's suppressions, as far as a sunset escalation writes them. */
export interface SunsetList {
  /** Stops all marketing to the user. */
  sunset(userId: string, at: Date): Promise<'added' | 'already-there'>;
}

/** One send step of one user's journey, as CheckExitAndSend hands it over. */
export interface JourneyStepSend {
  userId: string;
  journeyId: string;
  executionName: string;
  step: PlanSendStep;
  /** The journey's maximum duration ends then: a journey coupon is valid until that moment. */
  endsAt: Date;
}

/** What one channel of a step came to. */
export interface ChannelSend {
  channel: JourneyChannel;
  outcome: SendOutcome;
}

/** The port a journey step sends through. */
export interface JourneySender {
  /**
   * Sends the step on each of its channels, one after another (the send path serializes a user's
   * sends to keep the budget exact), and answers each channel's typed outcome. Errors of the
   * stores are thrown for the state machine's Retry; the idempotency keys make that retry safe.
   */
  sendStep(send: JourneyStepSend): Promise<ChannelSend[]>;
}

/** Everything the journey use cases run on; each use case picks what it needs. */
export interface JourneyPorts {
  clock: Clock;
  journeys: JourneyStore;
  enrollments: EnrollmentStore;
  scores: ScoreReader;
  activity: ActivityReader;
  queue: LaunchQueue;
  starter: ExecutionStarter;
  launches: LaunchProgressStore;
  launchWorkflow: LaunchWorkflow;
  counts: AudienceCountStore;
  countWorkflow: CountWorkflow;
  summaries: AudienceSummaryStore;
  scoringRuns: ScoringRuns;
  killSwitch: KillSwitch;
  sunsets: SunsetList;
  sender: JourneySender;
  firstEvents: FirstEventClaims;
}

/** Each user's first event of a kind (session, purchase, feature_use#<feature>), claimed once. */
export interface FirstEventClaims {
  /**
   * Claims the event as the user's first of its kind: true when it is (claimed now, or by this same
   * event before: a redelivery), false when another event claimed the kind first.
   */
  claim(userId: string, kind: string, eventId: string, at: string): Promise<boolean>;
}
