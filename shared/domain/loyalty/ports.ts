/**
 * The ports of the loyalty use cases (shared/application/loyalty): every effect goes through one
 * of these interfaces. The DynamoDB, EventBridge and messaging adapters in shared/adapters/loyalty
 * implement them; in-memory fakes in test/support/fakes implement them for the unit tests.
 */
import type { Channel, Clock } from '../common';
import type { SendOutcome } from '../messaging/send-outcome';
import type { UserProfile } from '../profiles/user-profile';
import type { CheckinProgramState, CheckinProgramSummary, ProgramCatalogue } from './checkin-program';
import type { GrowthConfig, GrowthLevel, GrowthLevelChanged } from './growth';
import type { BehaviourEvent as IncentiveEvent, IncentiveConversion, IncentiveRules } from './incentives';
import type { AppendConditions, AppendOutcome, LedgerAccount, LedgerBalance, LedgerEntry } from './ledger';
import type { LocalDay } from './local-day';
import type { PointsExpiryConfig } from './points-expiry';
import type { DrawResult } from './monthly-draw';
import type { RandomBytes, Referral, ReferralConfig } from './referrals';
import type { RewardBudgetConfig } from './reward-budget';
import type { Coupon, DrawEntry } from './rewards';

/**
 * The append-only ledger, per user. Ids are unique per user across both accounts.
 *
 * DynamoDB adapter contract: one `TransactWriteItems`, so the entry, its balance change and its
 * count against a cap are written together or not at all. Its items, in this order:
 * 1. **Put** the entry, key `pk = USER#<userId>`, `sk = LEDGER#<entry.id>`, with
 *    `ConditionExpression: attribute_not_exists(pk)`. Its cancellation reason
 *    `ConditionalCheckFailed` → `already-granted` (checked first, like `decideAppend`).
 * 2. **Update** the balance item, key `pk = USER#<userId>`, `sk = BALANCE#<account>`, with
 *    `SET amount = if_not_exists(amount, :zero) + :delta, version = if_not_exists(version, :zero) + :one`
 *    and a condition made of these named clauses, joined with AND:
 *    - when `delta < 0`: `amount >= :needed` with `:needed = -delta` (a missing balance item fails
 *      the comparison, which is right: its balance is 0);
 *    - when `expectedBalanceVersion` is given: `version = :expected`, or
 *      `attribute_not_exists(version)` when it is 0;
 *    - otherwise no condition.
 *    Use `ReturnValuesOnConditionCheckFailure: ALL_OLD` on this item; on its cancellation compare
 *    the old `version` with the expected one to answer `balance-version-mismatch`, else
 *    `insufficient-balance` with the old amount.
 * 3. Only with a cap: **Update** the cap's counter, key `pk = USER#<userId>`, `sk = GRANTCAP#<cap.key>`,
 *    with `ADD grants :one` and `attribute_not_exists(grants) OR grants < :max`. Its cancellation
 *    reason `ConditionalCheckFailed` → `cap-reached`. A repeated id fails item 1, which cancels
 *    the whole transaction, so a retry never counts twice against the cap.
 * All items share the user's partition: a user's ledger never spans partitions, and distinct
 * users never contend.
 */
export interface LedgerStore {
  /** Appends atomically under the `decideAppend` rule. */
  append(entry: LedgerEntry, conditions?: AppendConditions): Promise<AppendOutcome>;
  /** The current balance of one account (zero, version 0, before the first entry). */
  balance(userId: string, account: LedgerAccount): Promise<LedgerBalance>;
  /** Every entry of the user, oldest first. */
  history(userId: string): Promise<readonly LedgerEntry[]>;
}

/** The ledger as the use cases read it: also by id prefix (one incentive rule's grants). */
export interface LoyaltyLedger extends LedgerStore {
  /** The user's entries whose id starts with `idPrefix`, oldest first. */
  entriesWithIdPrefix(userId: string, idPrefix: string): Promise<readonly LedgerEntry[]>;
}

/** A stored program state and the version it was stored at. */
export interface VersionedCheckinState {
  readonly state: CheckinProgramState;
  readonly version: number;
}

/** A stored program with the wake-up it is indexed under. */
export interface StoredCheckinProgram extends VersionedCheckinState {
  readonly wakeAt: string | undefined;
}

/**
 * A due wake-up read from the wake index (keys only: the state is re-read consistently): a
 * program's daily wake, or the user's points-expiry watch (a notice or an expiry coming up).
 */
export type DueWakeUp =
  | { readonly kind: 'program'; readonly userId: string; readonly programId: string; readonly wakeAt: string }
  | { readonly kind: 'points-expiry'; readonly userId: string; readonly wakeAt: string };

/** One page of due wake-ups; `cursor` names where the next page starts, none when the shard is done. */
export interface DueWakeUpPage {
  readonly wakeUps: readonly DueWakeUp[];
  readonly cursor: string | undefined;
}

/**
 * Check-in program states, one per user and program, each with when the sweep must next look at
 * it (see `checkinWakeUpPolicy`).
 *
 * DynamoDB adapter: item `pk = USER#<userId>`, `sk = PROGRAM#<programId>`. `create` puts with
 * `attribute_not_exists(pk)` (failure → `already-enrolled`); `save` puts with
 * `#version = :expectedVersion` and writes `version + 1` (failure → `version-conflict`).
 */
export interface CheckinProgramStore {
  /** How many shards the wake index is split into (`dueWakeUps` reads one at a time). */
  readonly wakeShards: number;
  load(userId: string, programId: string): Promise<StoredCheckinProgram | undefined>;
  create(state: CheckinProgramState): Promise<'created' | 'already-enrolled'>;
  save(state: CheckinProgramState, expectedVersion: number): Promise<'saved' | 'version-conflict'>;
  /** Every program the user is or was enrolled in. */
  programsOf(userId: string): Promise<readonly StoredCheckinProgram[]>;
  /**
   * Wake-ups of one shard due at or before `now`, earliest first, at most `limit`, from `cursor`
   * (a previous page's) or the start. The cursor is opaque text, so it can travel through a state
   * machine between invocations.
   */
  dueWakeUps(shard: number, now: Date, limit: number, cursor?: string): Promise<DueWakeUpPage>;
}

/** The user's points-expiry watch: when it next wakes, and how many grants armed it (its version). */
export interface ExpiryWatch {
  readonly wakeAt: string | undefined;
  readonly grants: number;
}

/**
 * The points-expiry watch, one per user, in the same wake index as the programs.
 *
 * DynamoDB adapter: item `pk = USER#<userId>`, `sk = EXPIRYWATCH`. The ledger arms it in each
 * points grant's own transaction (`SET wakeAt = if_not_exists(wakeAt, :noticeAt)`, `ADD grants 1`),
 * so no grant can go unwatched; `reschedule` moves or removes the wake-up on condition that no
 * grant armed it since the sweep read it (`grants = :read`, failure → `conflict`).
 */
export interface ExpiryWatchStore {
  load(userId: string): Promise<ExpiryWatch | undefined>;
  /** Moves the wake-up (`undefined`: nothing left to watch, off the index). */
  reschedule(userId: string, wakeAt: Date | undefined, readGrants: number): Promise<'saved' | 'conflict'>;
}

/** What a budgeted issue did: the coupon and the month's spend move together or not at all. */
export type BudgetedIssueOutcome = 'issued' | 'already-issued' | 'no-room';

/**
 * Issued coupons. DynamoDB adapter: `PutItem` keyed `pk = USER#<userId>`, `sk = COUPON#<id>`
 * with `attribute_not_exists(pk)`; `ConditionalCheckFailedException` → `already-issued`.
 */
export interface CouponStore {
  issue(coupon: Coupon): Promise<'issued' | 'already-issued'>;
  /**
   * Issues the coupon and adds `cost` to `month`'s spend in one atomic write, on condition that
   * the coupon is new and the spend stays within `monthlyBudget` (`no-room` otherwise).
   */
  issueWithinBudget(coupon: Coupon, month: string, cost: number, monthlyBudget: number): Promise<BudgetedIssueOutcome>;
  couponsOf(userId: string): Promise<readonly Coupon[]>;
}

/** A month's spend, and the coupons waiting for a later month's budget. */
export interface RewardBudgetStore {
  spent(month: string): Promise<number>;
  /** Holds a coupon for `month`'s budget; once per coupon id and month. */
  queue(coupon: Coupon, month: string, at: Date): Promise<'queued' | 'already-queued'>;
  /** Takes a coupon off `month`'s queue once it was issued or moved on. */
  dequeue(coupon: Coupon, month: string): Promise<void>;
  queued(month: string): Promise<readonly Coupon[]>;
}

/**
 * Draw entries and results. DynamoDB adapter: `PutItem` keyed `pk = DRAW#<month>#<shard>` (shard
 * from a stable hash of the user id, so a busy month is not one hot partition), `sk = ENTRY#<userId>`,
 * with `attribute_not_exists(pk)`; a failed condition → `already-entered`.
 */
export interface DrawEntryStore {
  enter(entry: DrawEntry): Promise<'entered' | 'already-entered'>;
  entriesOf(month: string): Promise<readonly DrawEntry[]>;
  /** Records a draw once; a second run of the same month answers the first result. */
  recordResult(result: DrawResult, at: Date): Promise<{ kind: 'recorded' | 'already-drawn'; result: DrawResult }>;
  resultOf(month: string): Promise<DrawResult | undefined>;
}

/** What assigning a code to a user did. */
export type CodeAssignment = 'assigned' | 'code-taken' | 'user-has-code';

/**
 * Referral codes and accepted referrals.
 *
 * DynamoDB adapter: a code item `pk = REFCODE#<code>` holding the user id and the user's
 * `REFCODE` item, written together (`assignCode`); a referral item `pk = USER#<refereeId>`,
 * `sk = REFERRED_BY` written with `attribute_not_exists(pk)` (`record` → `already-referred` on
 * failure). The referee-keyed condition is what refuses counting a referee twice under
 * concurrent sign-ups.
 */
export interface ReferralStore {
  /** Both directions of a code at once: a user never has two codes, a code never two users. */
  assignCode(code: string, userId: string, at: Date): Promise<CodeAssignment>;
  /** The user's code and when it was created, if they have one. */
  codeOf(userId: string): Promise<{ code: string; createdAt: string } | undefined>;
  userForCode(code: string): Promise<string | undefined>;
  referralOf(refereeId: string): Promise<Referral | undefined>;
  record(referral: Referral): Promise<'recorded' | 'already-referred'>;
}

/** Publishes level changes to the outside world (EventBridge when deployed). */
export interface GrowthLevelChangePublisher {
  publish(change: GrowthLevelChanged): Promise<void>;
}

/**
 * The record of level changes, which also remembers which ones were published: a change is
 * recorded before it is published and marked after, so a retry publishes what a crash left over.
 */
export interface LevelChangeLog {
  record(change: GrowthLevelChanged): Promise<'recorded' | 'already-recorded'>;
  /** The recorded change with this id when it has not been published yet. */
  unpublished(userId: string, changeId: string): Promise<GrowthLevelChanged | undefined>;
  markPublished(change: GrowthLevelChanged): Promise<void>;
}

/** What counting one event into a rule's window found. */
export interface WindowProgress {
  /** The window held no other event before this one: the user is exposed to the rule. */
  readonly firstInWindow: boolean;
  /** How many distinct event ids the window holds (at most the rule's count: later ones are not kept). */
  readonly distinctEvents: number;
  /** The window's events, for the domain's evaluation (a re-sent id may appear twice; it counts once). */
  readonly events: readonly IncentiveEvent[];
  /** The window was already evaluated after it filled up (granted, or refused by the cap). */
  readonly settled: boolean;
}

/** Incentive progress per user, rule and window, and each rule's conversion counters. */
export interface IncentiveStore {
  /** Adds an event to its window unless the window already holds `count` events. */
  countInWindow(input: { userId: string; ruleId: string; windowKey: string; event: IncentiveEvent; count: number }): Promise<WindowProgress>;
  /** Marks a full window as evaluated, so later events in it cost one conditional write only. */
  settleWindow(userId: string, ruleId: string, windowKey: string): Promise<void>;
  /** Counts the user as exposed to the rule, once ever. */
  recordExposure(userId: string, ruleId: string, at: Date): Promise<'counted' | 'already-counted'>;
  /** Counts the user as having completed the rule, once ever. */
  recordCompletion(userId: string, ruleId: string, at: Date): Promise<'counted' | 'already-counted'>;
  conversions(ruleIds: readonly string[]): Promise<IncentiveConversion[]>;
}

/**
 * Distinct users counted once per report counter, for the marketer's reports without reading the
 * population: a program's funnel (`program#<id>`: `enrolled`, `streak-<n>` for a check-in on
 * program day n with a streak of n, `completed`) and the month's referrals (`referrals#<month>`:
 * `signed-up`). A user is counted once per counter: a retried count answers `already-counted`.
 *
 * DynamoDB adapter: a marker item under the user (`REPORT#<report>#<counter>`, written only if
 * absent) and `ADD` on a counter sharded by user hash, in one transaction; `totals` sums the shards.
 */
export interface LoyaltyReportCounters {
  countOnce(userId: string, report: string, counter: string, at: Date): Promise<'counted' | 'already-counted'>;
  /** Every counter of a report, summed over its shards (absent counters are 0). */
  totals(report: string): Promise<Readonly<Record<string, number>>>;
}

/** A message loyalty asks the send path to deliver. `messageId` is its idempotency key. */
export type LoyaltyMessage =
  | {
      readonly kind: 'checkin-reminder';
      readonly messageId: string;
      readonly userId: string;
      readonly programId: string;
      /** The program's reminder template. */
      readonly templateId: string;
      readonly day: LocalDay;
      /** Consecutive days up to the last check-in. */
      readonly streak: number;
      /** Check-ins still needed to complete the program. */
      readonly daysLeft: number;
    }
  | {
      readonly kind: 'program-summary';
      readonly messageId: string;
      readonly userId: string;
      readonly programId: string;
      readonly summary: CheckinProgramSummary;
    }
  /** The user reached a higher growth level; `programId` is `growth`. */
  | {
      readonly kind: 'level-up';
      readonly messageId: string;
      readonly userId: string;
      readonly programId: string;
      readonly level: GrowthLevel;
      readonly priority: 'core' | 'non-core';
    }
  /** Points of one grant expire within the notice period; `programId` is `points`. */
  | {
      readonly kind: 'points-expiring';
      readonly messageId: string;
      readonly userId: string;
      readonly programId: string;
      readonly amount: number;
      readonly expiresAt: string;
    }
  /** `programId` names what earned the coupon: the check-in program, or `referral`. */
  | { readonly kind: 'coupon-issued'; readonly messageId: string; readonly userId: string; readonly programId: string; readonly coupon: Coupon };

/**
 * What handing a message over did. A retry with the same id is `already-sent`, never a second
 * send; `failed` says whether trying the same id again later may succeed.
 */
export type ReminderOutcome =
  | { readonly kind: 'sent' }
  | { readonly kind: 'already-sent' }
  | { readonly kind: 'skipped'; readonly reason: string }
  | { readonly kind: 'failed'; readonly retryable: boolean; readonly reason: string };

/** A loyalty message as the message log recorded it, for `GET /v1/users/{id}/programs`. */
export interface RecordedMessage {
  readonly messageId: string;
  readonly templateId: string;
  readonly channel: Channel;
  readonly outcome: SendOutcome['kind'];
  readonly reason?: string;
  readonly at: string;
  readonly programId: string;
}

/** The port reminders, summaries and coupon messages go through, and what it recorded. */
export interface LoyaltyMessenger {
  send(message: LoyaltyMessage, at: Date): Promise<ReminderOutcome>;
  /** The user's loyalty messages, oldest first, each listed once. */
  messagesOf(userId: string): Promise<RecordedMessage[]>;
}

/** The profile facts loyalty reads: time zone (local days) and join time (referrals). */
export interface LoyaltyProfiles {
  getProfile(userId: string): Promise<UserProfile | null>;
}

/** The rules the loyalty use cases run with (all validated, defaults from the domain). */
export interface LoyaltyRules {
  /** The programs users can enrol in (`DEFAULT_PROGRAMS` unless configured). */
  readonly programs: ProgramCatalogue;
  readonly growth: GrowthConfig;
  readonly referral: ReferralConfig;
  readonly budget: RewardBudgetConfig;
  readonly incentives: IncentiveRules;
  /** How long points last, and when the user is told before they expire. */
  readonly points: PointsExpiryConfig;
}

/**
 * Everything the loyalty use cases touch: stores, the send path, the clock and randomness. Each
 * use case asks for the part it needs (`Pick<LoyaltyPorts, …>`), so a unit test fakes only that.
 */
export interface LoyaltyPorts {
  readonly clock: Clock;
  readonly rules: LoyaltyRules;
  readonly ledger: LoyaltyLedger;
  readonly programs: CheckinProgramStore;
  readonly expiryWatch: ExpiryWatchStore;
  readonly coupons: CouponStore;
  readonly drawEntries: DrawEntryStore;
  readonly referrals: ReferralStore;
  readonly budget: RewardBudgetStore;
  readonly levelChanges: LevelChangeLog;
  readonly levelChangePublisher: GrowthLevelChangePublisher;
  readonly incentives: IncentiveStore;
  readonly reportCounters: LoyaltyReportCounters;
  readonly messages: LoyaltyMessenger;
  readonly profiles: LoyaltyProfiles;
  readonly randomBytes: RandomBytes;
}
