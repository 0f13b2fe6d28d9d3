import {
  CheckinProgramConfig,
  GrowthConfig,
  ReferralConfig,
  RewardBudgetConfig,
  assertNever,
  countGrowthAndPublish,
  evaluateIncentiveRule,
  incentiveGrantCap,
  incentiveWindowKey,
  incentiveWindowsGranted,
  ledgerEntryIds,
  budgetCoupon,
  evaluateDay,
  growthLevelOf,
  nextMonthOf,
  nextWakeUpAt,
  performCheckIn,
  randomReferralCode,
  rewardForRefereePurchase,
  runMonthlyDraw,
  signUpWithReferralCode,
  summarizeCheckinProgram,
  utcMonthOf,
  enrollUser,
  LedgerStoreContractError,
  type CheckInResult,
  type CheckinProgramState,
  type CheckinProgramSummary,
  type Coupon,
  type DrawResult,
  type EnrollOutcome,
  type GrantCap,
  type GrantEntry,
  type GrowthLevelChangePublisher,
  type GrowthOutcome,
  type IncentiveConversion,
  type IncentiveRules,
  type LedgerEntry,
  type RewardGrant,
  type ReferralSignupOutcome,
} from '../../domain/loyalty';
import type { Clock } from '../../domain/common';
import type { BehaviourEvent } from '../../domain/events/behaviour-event';
import type { ProfileStore } from '../../domain/profiles/ports';
import { PROFILE_DEFAULTS } from '../../domain/profiles/user-profile';
import type { DynamoCheckinProgramStore, StoredCheckinProgram } from './dynamo-checkin-program-store';
import type { DynamoIncentiveStore } from './dynamo-incentive-store';
import type { DynamoLedgerStore } from './dynamo-ledger-store';
import type { DynamoCouponStore, DynamoDrawEntryStore, DynamoLevelChanges, DynamoReferralStore, DynamoRewardBudget } from './dynamo-reward-stores';
import { WAKE_SHARDS } from './loyalty-keys';
import type { RecordedMessage, ReminderOutcome, ReminderSender } from './reminder-sender';

/** The rules the loyalty use cases run with (all validated, defaults from the domain). */
export interface LoyaltyRules {
  readonly checkin: CheckinProgramConfig;
  readonly growth: GrowthConfig;
  readonly referral: ReferralConfig;
  readonly budget: RewardBudgetConfig;
  readonly incentives: IncentiveRules;
}

/** Everything the loyalty use cases touch: stores, the send path, the clock and randomness. */
export interface LoyaltyServices {
  readonly clock: Clock;
  readonly rules: LoyaltyRules;
  readonly ledger: DynamoLedgerStore;
  readonly programs: DynamoCheckinProgramStore;
  readonly coupons: DynamoCouponStore;
  readonly drawEntries: DynamoDrawEntryStore;
  readonly referrals: DynamoReferralStore;
  readonly budget: DynamoRewardBudget;
  readonly levelChanges: DynamoLevelChanges;
  readonly levelChangePublisher: GrowthLevelChangePublisher;
  readonly incentives: DynamoIncentiveStore;
  readonly reminders: ReminderSender & { messagesOf(userId: string): Promise<RecordedMessage[]> };
  readonly profiles: Pick<ProfileStore, 'getProfile'>;
  readonly randomBytes: (length: number) => Uint8Array;
}

/**
 * When the sweep must next look at a program: the domain's next wake-up, or right away when
 * completion has just become impossible (so the sweep records the end and sends the summary
 * instead of the program silently leaving the index). Over: never.
 */
export function checkinWakeUpPolicy(config: CheckinProgramConfig, clock: Clock) {
  return (state: CheckinProgramState): Date | undefined => {
    if (state.status.kind !== 'active') return undefined;
    const now = clock.now();
    return nextWakeUpAt(state, now, config) ?? now;
  };
}

function summaryMessageId(userId: string, programId: string): string {
  return ['checkin-summary', encodeURIComponent(userId), encodeURIComponent(programId)].join('#');
}

async function sendSummary(services: LoyaltyServices, summary: CheckinProgramSummary): Promise<ReminderOutcome> {
  return services.reminders.send(
    { kind: 'program-summary', messageId: summaryMessageId(summary.userId, summary.programId), userId: summary.userId, programId: summary.programId, summary },
    services.clock.now(),
  );
}

/** What earned a coupon, as the message log's source names it. */
function programOfCoupon(services: LoyaltyServices, coupon: Coupon): string {
  return coupon.reason === 'checkin-completion' ? services.rules.checkin.programId : 'referral';
}

/**
 * Tells the user about a coupon in their account (core: they earned it). Keyed by the coupon's
 * deterministic id, so a replayed grant (`already-issued`) sends only if the first attempt did not.
 */
async function sendCouponIssued(services: LoyaltyServices, coupon: Coupon): Promise<ReminderOutcome> {
  return services.reminders.send(
    { kind: 'coupon-issued', messageId: ['coupon-issued', encodeURIComponent(coupon.id)].join('#'), userId: coupon.userId, programId: programOfCoupon(services, coupon), coupon },
    services.clock.now(),
  );
}

/** Enrols a user in the check-in program, in the time zone given or else their profile's. */
export async function enrollInCheckin(services: LoyaltyServices, input: { readonly userId: string; readonly timeZone?: string | undefined }): Promise<EnrollOutcome> {
  const timeZone = input.timeZone ?? (await services.profiles.getProfile(input.userId))?.timeZone ?? PROFILE_DEFAULTS.timeZone;
  return enrollUser(services.programs, { userId: input.userId, timeZone, at: services.clock.now() }, services.rules.checkin);
}

/** Result of a check-in request, including a program the request does not know. */
export type CheckInRequestOutcome = { readonly kind: 'unknown-program'; readonly programId: string } | { readonly kind: 'handled'; readonly result: CheckInResult };

/**
 * A user checks in now. Rewards go through the ledger (exactly once by id); when the check-in
 * completes the program, or reveals it can no longer be completed, the summary goes out.
 */
export async function checkInNow(services: LoyaltyServices, input: { readonly userId: string; readonly programId?: string | undefined }): Promise<CheckInRequestOutcome> {
  const { checkin } = services.rules;
  if (input.programId !== undefined && input.programId !== checkin.programId) return { kind: 'unknown-program', programId: input.programId };
  const result = await performCheckIn(services, { userId: input.userId, at: services.clock.now() }, checkin);
  const { outcome } = result;
  if (outcome.kind === 'checked-in') {
    for (const grant of outcome.grants) if (grant.kind === 'coupon') await sendCouponIssued(services, grant.coupon);
  }
  if (outcome.kind === 'checked-in' && outcome.state.status.kind === 'completed') await sendSummary(services, summarizeCheckinProgram(outcome.state, checkin));
  if (outcome.kind === 'program-ended' && outcome.summary.outcome === 'completion-impossible') await sendSummary(services, outcome.summary);
  return { kind: 'handled', result };
}

/** A user's points, growth and level, ledger history and coupons. */
export interface PointsView {
  readonly userId: string;
  readonly points: number;
  readonly growth: number;
  readonly level: string;
  readonly nextLevel: { readonly name: string; readonly minGrowth: number } | undefined;
  readonly history: readonly LedgerEntry[];
  readonly coupons: readonly Coupon[];
}

export async function pointsOf(services: LoyaltyServices, userId: string): Promise<PointsView> {
  const [points, growth, history, coupons] = await Promise.all([
    services.ledger.balance(userId, 'points'),
    services.ledger.balance(userId, 'growth'),
    services.ledger.history(userId),
    services.coupons.couponsOf(userId),
  ]);
  const next = services.rules.growth.levels.find((level) => level.minGrowth > growth.amount);
  return {
    userId,
    points: points.amount,
    growth: growth.amount,
    level: growthLevelOf(growth.amount, services.rules.growth),
    nextLevel: next ? { name: next.name, minGrowth: next.minGrowth } : undefined,
    history,
    coupons,
  };
}

/** One program as `GET /v1/users/{id}/programs` shows it. */
export interface ProgramView {
  readonly state: CheckinProgramState;
  readonly summary: CheckinProgramSummary;
  readonly nextWakeAt: string | undefined;
}

export async function programsOf(services: LoyaltyServices, userId: string): Promise<{ programs: ProgramView[]; messages: RecordedMessage[] }> {
  const [stored, messages] = await Promise.all([services.programs.programsOf(userId), services.reminders.messagesOf(userId)]);
  return {
    programs: stored
      .filter((program) => program.state.programId === services.rules.checkin.programId)
      .map((program: StoredCheckinProgram) => ({ state: program.state, summary: summarizeCheckinProgram(program.state, services.rules.checkin), nextWakeAt: program.wakeAt })),
    messages,
  };
}

const MAX_CODE_ATTEMPTS = 5;

/**
 * The user's referral code, created on first request. Codes are random (crypto) and stored both
 * ways, which needs no signing secret; a collision with another user's code just draws again.
 */
export async function referralCodeOf(services: LoyaltyServices, userId: string): Promise<{ code: string; created: boolean }> {
  const existing = await services.referrals.codeOf(userId);
  if (existing) return { code: existing.code, created: false };
  for (let attempt = 0; attempt < MAX_CODE_ATTEMPTS; attempt += 1) {
    const code = randomReferralCode(services.randomBytes);
    const assignment = await services.referrals.assignCode(code, userId, services.clock.now());
    switch (assignment) {
      case 'assigned':
        return { code, created: true };
      case 'user-has-code': {
        const winner = await services.referrals.codeOf(userId);
        if (winner) return { code: winner.code, created: false };
        continue;
      }
      case 'code-taken':
        continue;
      default:
        return assertNever(assignment);
    }
  }
  throw new Error(`could not find a free referral code for a user after ${MAX_CODE_ATTEMPTS} attempts`);
}

/** What applying one grant did, budget included. */
export type AppliedGrant =
  | { readonly kind: 'points'; readonly entryId: string; readonly outcome: string }
  | { readonly kind: 'coupon'; readonly couponId: string; readonly outcome: 'issued' | 'already-issued' | 'queued-for-next-month'; readonly amount?: number; readonly queuedFor?: string }
  | { readonly kind: 'draw-entry'; readonly entryId: string; readonly outcome: 'entered' | 'already-entered' };

const MAX_BUDGET_ATTEMPTS = 5;

/**
 * Issues a coupon through the month's reward budget: amount-off coupons count against it (issued
 * whole, scaled down, or queued for next month per configuration), percent-off pass untouched.
 * The spend and the coupon are written in one transaction; losing the room to a concurrent grant
 * re-reads the spend and decides again.
 */
export async function issueBudgetedCoupon(services: LoyaltyServices, coupon: Coupon, month: string): Promise<Extract<AppliedGrant, { kind: 'coupon' }>> {
  for (let attempt = 0; attempt < MAX_BUDGET_ATTEMPTS; attempt += 1) {
    const decision = budgetCoupon(coupon, await services.budget.spent(month), services.rules.budget);
    switch (decision.kind) {
      case 'queued-for-next-month': {
        const queuedFor = nextMonthOf(month);
        await services.budget.queue(decision.coupon, queuedFor, services.clock.now());
        return { kind: 'coupon', couponId: coupon.id, outcome: 'queued-for-next-month', queuedFor };
      }
      case 'issue-now': {
        const { discount } = decision.coupon;
        if (discount.kind === 'percent-off') {
          const issued = await services.coupons.issue(decision.coupon);
          await sendCouponIssued(services, decision.coupon);
          return { kind: 'coupon', couponId: coupon.id, outcome: issued };
        }
        const issued = await services.coupons.issueWithinBudget(decision.coupon, month, discount.amount, services.rules.budget.monthlyBudget);
        if (issued === 'no-room') continue;
        await sendCouponIssued(services, decision.coupon);
        return { kind: 'coupon', couponId: coupon.id, outcome: issued, amount: discount.amount };
      }
      default:
        return assertNever(decision);
    }
  }
  throw new Error(`the reward budget of ${month} kept moving while issuing coupon ${coupon.id}`);
}

/** Applies grants in order, coupons through the budget of the month they are granted in. */
export async function applyGrantsWithinBudget(services: LoyaltyServices, grants: readonly RewardGrant[]): Promise<AppliedGrant[]> {
  const month = utcMonthOf(services.clock.now());
  const applied: AppliedGrant[] = [];
  for (const grant of grants) {
    switch (grant.kind) {
      case 'points':
        applied.push({ kind: 'points', entryId: grant.entry.id, outcome: (await services.ledger.append(grant.entry)).kind });
        break;
      case 'coupon':
        applied.push(await issueBudgetedCoupon(services, grant.coupon, month));
        break;
      case 'draw-entry':
        applied.push({ kind: 'draw-entry', entryId: grant.entry.id, outcome: await services.drawEntries.enter(grant.entry) });
        break;
      default:
        assertNever(grant);
    }
  }
  return applied;
}

/**
 * A referee signs up with a code: the referral rules (self, loop, double count, newness) decide,
 * and an accepted referral's coupon and draw entries are granted through the budget. Join times
 * come from profiles; a referrer without a profile counts from their code's creation.
 */
export async function signUpWithCode(
  services: LoyaltyServices,
  input: { readonly refereeId: string; readonly code: string },
): Promise<{ outcome: ReferralSignupOutcome; applied: AppliedGrant[] }> {
  const now = services.clock.now();
  const refereeProfile = await services.profiles.getProfile(input.refereeId);
  const outcome = await signUpWithReferralCode(
    services.referrals,
    {
      typedCode: input.code,
      refereeId: input.refereeId,
      refereeJoinedAt: refereeProfile ? new Date(refereeProfile.createdAt) : now,
      referrerJoinedAt: async (referrerId) => {
        const profile = await services.profiles.getProfile(referrerId);
        if (profile) return new Date(profile.createdAt);
        const code = await services.referrals.codeOf(referrerId);
        return code ? new Date(code.createdAt) : now;
      },
      at: now,
    },
    services.rules.referral,
  );
  if (outcome.kind === 'refused') return { outcome, applied: [] };
  return { outcome, applied: await applyGrantsWithinBudget(services, outcome.grants) };
}

/** What one raw purchase or refund event did to growth (and to the referrer's rewards). */
export interface GrowthEventResult {
  readonly growth: GrowthOutcome;
  readonly referralReward: AppliedGrant[];
}

/**
 * Counts a stored purchase or refund towards growth. A purchase counts once per order id (a
 * producer re-sending an order under a new event id adds nothing); a refund once per event id,
 * since an order can be refunded in parts. A referred user's purchase earns the referrer the
 * first-purchase coupon (once per referee, by id). Level changes are recorded and published
 * (EventBridge `GrowthLevelChanged`) at least once.
 */
export async function countGrowthEvent(services: LoyaltyServices, event: BehaviourEvent): Promise<GrowthEventResult | undefined> {
  const occurredAt = new Date(event.timestamp).toISOString();
  const ports = { ledger: services.ledger, levelChanges: services.levelChanges, publisher: services.levelChangePublisher };
  let growth: GrowthOutcome;
  switch (event.type) {
    case 'purchase':
      growth = await countGrowthAndPublish(ports, { kind: 'purchase', eventId: event.orderId, userId: event.userId, amount: event.amount, currency: event.currency, occurredAt }, services.rules.growth);
      break;
    case 'refund':
      // Refund events carry no currency; XXX is ISO 4217's "no currency" (growth ignores currency).
      growth = await countGrowthAndPublish(ports, { kind: 'refund', eventId: event.eventId, userId: event.userId, amount: event.amount, currency: 'XXX', occurredAt }, services.rules.growth);
      break;
    default:
      return undefined;
  }
  let referralReward: AppliedGrant[] = [];
  if (event.type === 'purchase' && growth.kind !== 'already-counted') {
    const reward = rewardForRefereePurchase(await services.referrals.referralOf(event.userId), { userId: event.userId, occurredAt }, services.rules.referral);
    if (reward.kind === 'reward') referralReward = await applyGrantsWithinBudget(services, reward.grants);
  }
  return { growth, referralReward };
}

/**
 * What one incentive grant came to: `appended`, `already-granted` (this window's grant exists),
 * or `cap-reached` (other windows of the user used up the rule's cap first).
 */
export type IncentiveGrantOutcome = 'appended' | 'already-granted' | 'cap-reached';

/** What one raw event did to one incentive rule. */
export interface IncentiveEventResult {
  readonly ruleId: string;
  readonly windowKey: string;
  readonly exposed: boolean;
  /** Grant outcomes, empty while the window is not complete. */
  readonly grants: readonly IncentiveGrantOutcome[];
}

async function appendIncentiveGrant(services: LoyaltyServices, entry: GrantEntry, cap: GrantCap): Promise<IncentiveGrantOutcome> {
  const outcome = await services.ledger.append(entry, { cap });
  switch (outcome.kind) {
    case 'appended':
    case 'already-granted':
    case 'cap-reached':
      return outcome.kind;
    case 'insufficient-balance':
    case 'balance-version-mismatch':
      // A grant neither debits nor carries an expected version: a store answering this is broken.
      throw new LedgerStoreContractError(entry.id, outcome.kind);
    default:
      return assertNever(outcome);
  }
}

/**
 * Counts a raw event towards every incentive rule on its type, in the rule's calendar window in
 * the user's profile time zone. The window's first event exposes the user; the event that fills
 * the window is evaluated by the domain (`evaluateIncentiveRule`), which grants once per window
 * under a deterministic ledger id. Every step is idempotent, so a redelivered stream batch
 * changes nothing.
 *
 * The cap per user holds under concurrency: windows of one user can complete at the same time
 * (a redelivered batch racing a new one, the user's events on different shards), and each
 * evaluation reads the ledger before the others have granted. So every grant is appended under
 * the rule's cap, counted in the grant's own transaction: only `capPerUser` grants ever succeed,
 * the rest answer `cap-reached`.
 */
export async function countIncentiveEvent(services: LoyaltyServices, event: BehaviourEvent): Promise<IncentiveEventResult[]> {
  const rules = services.rules.incentives.filter((rule) => rule.eventType === event.type);
  if (rules.length === 0) return [];
  const timeZone = (await services.profiles.getProfile(event.userId))?.timeZone ?? PROFILE_DEFAULTS.timeZone;
  const occurredAt = new Date(event.timestamp);
  const now = services.clock.now();
  const results: IncentiveEventResult[] = [];
  for (const rule of rules) {
    const windowKey = incentiveWindowKey(occurredAt, rule.window, timeZone);
    const progress = await services.incentives.countInWindow({
      userId: event.userId,
      ruleId: rule.ruleId,
      windowKey,
      event: { eventId: event.eventId, type: event.type, occurredAt: occurredAt.toISOString() },
      count: rule.count,
    });
    if (progress.firstInWindow) await services.incentives.recordExposure(event.userId, rule.ruleId, now);
    const grants: IncentiveGrantOutcome[] = [];
    if (progress.distinctEvents >= rule.count && !progress.settled) {
      const granted = incentiveWindowsGranted(await services.ledger.entriesWithIdPrefix(event.userId, ledgerEntryIds.incentive(event.userId, rule.ruleId, '')), event.userId, rule.ruleId);
      const entries = evaluateIncentiveRule({ rule, userId: event.userId, timeZone, events: progress.events, alreadyGrantedWindows: granted });
      for (const entry of entries) grants.push(await appendIncentiveGrant(services, entry, incentiveGrantCap(rule)));
      if (entries.length > 0 || granted.has(windowKey)) await services.incentives.recordCompletion(event.userId, rule.ruleId, now);
      await services.incentives.settleWindow(event.userId, rule.ruleId, windowKey);
    }
    results.push({ ruleId: rule.ruleId, windowKey, exposed: progress.firstInWindow, grants });
  }
  return results;
}

/** Each configured rule's conversion: distinct users who completed it / distinct users exposed. */
export async function incentiveReport(services: LoyaltyServices): Promise<{ rules: Array<IncentiveConversion & { rule: IncentiveRules[number] }> }> {
  const conversions = await services.incentives.conversions(services.rules.incentives.map((rule) => rule.ruleId));
  return { rules: services.rules.incentives.map((rule, index) => ({ ...(conversions[index] ?? { ruleId: rule.ruleId, exposed: 0, completed: 0, rate: null }), rule })) };
}

/** What one sweep did. */
export interface SweepReport {
  readonly due: number;
  readonly reminders: number;
  readonly ended: number;
  readonly rescheduled: number;
  /** A concurrent check-in moved the state first: the next sweep looks again. */
  readonly conflicts: number;
  /** A reminder the send path could not send yet (throttled, in flight): left due for the next sweep. */
  readonly retryLater: number;
  readonly releasedCoupons: number;
}

/**
 * The check-in program's orchestration: run every 15 minutes by a schedule. Reads the programs
 * whose wake-up is due from the sparse wake index (all shards in parallel), re-reads each state
 * consistently and lets the domain decide: remind (once per day, by id), end with a summary when
 * completion became impossible, or just move the wake-up. Each save is conditional on the
 * version, so a check-in racing the sweep wins and the sweep looks again next time. It also
 * releases coupons queued for this month's budget.
 */
export async function sweepCheckinPrograms(services: LoyaltyServices, options: { readonly limitPerShard: number }): Promise<SweepReport> {
  const now = services.clock.now();
  const config = services.rules.checkin;
  const counts = { due: 0, reminders: 0, ended: 0, rescheduled: 0, conflicts: 0, retryLater: 0 };
  await Promise.all(
    Array.from({ length: WAKE_SHARDS }, async (_, shard) => {
      for (const wake of await services.programs.dueWakeUps(shard, now, options.limitPerShard)) {
        counts.due += 1;
        const stored = await services.programs.load(wake.userId, wake.programId);
        if (!stored || stored.state.programId !== config.programId) continue;
        const evaluation = evaluateDay(stored.state, now, config);
        let next = stored.state;
        let reminder: ReminderOutcome | undefined;
        switch (evaluation.kind) {
          case 'reminder-due': {
            const progress = summarizeCheckinProgram(stored.state, config);
            const sent = await services.reminders.send(
              {
                kind: 'checkin-reminder',
                messageId: evaluation.reminderId,
                userId: wake.userId,
                programId: wake.programId,
                day: evaluation.day,
                streak: stored.state.streak,
                daysLeft: Math.max(0, progress.requiredCheckins - progress.checkIns),
              },
              now,
            );
            if (sent.kind === 'sent') counts.reminders += 1;
            reminder = sent;
            break;
          }
          case 'ended-impossible':
            next = evaluation.state;
            break;
          case 'nothing-due':
          case 'program-over':
            break;
          default:
            assertNever(evaluation);
        }
        if (reminder?.kind === 'failed' && reminder.retryable) {
          // Not saved: the wake-up stays due and the next sweep sends under the same id.
          counts.retryLater += 1;
          continue;
        }
        const saved = await services.programs.save(next, stored.version);
        if (saved === 'version-conflict') {
          counts.conflicts += 1;
          continue;
        }
        if (evaluation.kind === 'ended-impossible') {
          counts.ended += 1;
          await sendSummary(services, evaluation.summary);
        } else counts.rescheduled += 1;
      }
    }),
  );
  return { ...counts, releasedCoupons: await releaseQueuedCoupons(services, utcMonthOf(now)) };
}

/** Issues the coupons queued for `month` through its budget; what still does not fit moves on a month. */
export async function releaseQueuedCoupons(services: LoyaltyServices, month: string): Promise<number> {
  let released = 0;
  for (const coupon of await services.budget.queued(month)) {
    const applied = await issueBudgetedCoupon(services, coupon, month);
    if (applied.outcome === 'issued') released += 1;
    await services.budget.dequeue(coupon, month);
  }
  return released;
}

/** Result of a draw request. */
export type DrawRunOutcome = { readonly kind: 'drawn' | 'already-drawn'; readonly result: DrawResult; readonly drawnAt?: string } | { readonly kind: 'no-entries'; readonly month: string };

/**
 * Runs a month's draw once: a fresh seed from crypto randomness, the entries read from every
 * shard, the published algorithm; seed, entries and winners are recorded so anyone can re-run it.
 * A second request answers the recorded draw.
 */
export async function runDraw(services: LoyaltyServices, input: { readonly month: string; readonly winners: number }): Promise<DrawRunOutcome> {
  const recorded = await services.drawEntries.resultOf(input.month);
  if (recorded) return { kind: 'already-drawn', result: recorded };
  const entries = await services.drawEntries.entriesOf(input.month);
  if (entries.length === 0) return { kind: 'no-entries', month: input.month };
  const seed = Buffer.from(services.randomBytes(32)).toString('hex');
  const result = runMonthlyDraw({ month: input.month, seed, userIds: entries.map((entry) => entry.userId), winnerCount: input.winners });
  const stored = await services.drawEntries.recordResult(result, services.clock.now());
  return { kind: stored.kind === 'recorded' ? 'drawn' : 'already-drawn', result: stored.result };
}
