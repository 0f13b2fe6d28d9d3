import { z } from 'zod';
import { assertNever, Locale, type Clock } from '../common';
import { CheckinProgramMismatchError } from './errors';
import { ledgerEntryIds, rewardIds } from './ids';
import type { GrantEntry } from './ledger';
import { LocalDay, LocalTime, TimeZone, addLocalDays, instantAtLocalTime, localDayOf, localDaysBetween, nextLocalTimeAfter } from './local-day';
import type { RewardGrant } from './rewards';

/**
 * What counts as the day's action in a program: a check-in request, or a behaviour event arriving
 * on the raw-event stream (e.g. `feature_use` of one named feature; any feature when none is named).
 */
export const DailyAction = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('checkin') }),
  z.object({
    kind: z.literal('event'),
    eventType: z.enum(['session', 'feature_use', 'search', 'purchase', 'feedback']),
    feature: z.string().min(1).optional(),
  }),
]);
export type DailyAction = z.infer<typeof DailyAction>;

/** What completing a program gives, once. */
export const CompletionReward = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('percent-off-coupon'), percent: z.number().int().min(1).max(100) }),
  z.object({ kind: z.literal('points'), points: z.number().int().positive() }),
]);
export type CompletionReward = z.infer<typeof CompletionReward>;

/** The program id enrolments and check-ins name when they name none: the 21-day check-in. */
export const DEFAULT_PROGRAM_ID = 'checkin-21';

/**
 * A program as data. Defaults are the product's 21-day check-in (`checkin-21`): 21 check-ins
 * required in a 21-day window, 10 points a day, +50 on every 7th consecutive day, a 20%-off coupon
 * on completion, a reminder (template `checkin-reminder`) at 20:00 local time on a day without a
 * check-in. The same rules run every program: only the definition differs.
 */
export const ProgramDefinition = z
  .object({
    programId: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'programId must be lowercase letters, digits and -')
      .default(DEFAULT_PROGRAM_ID),
    /** What users read (CLI, console), per locale. */
    names: z.record(Locale, z.string().min(1)).optional(),
    dailyAction: DailyAction.default({ kind: 'checkin' }),
    /** Days with the daily action needed to complete, within the window. */
    requiredCheckins: z.number().int().positive().default(21),
    /** The program's length in days; day 1 is the user's local day of enrolment. */
    windowDays: z.number().int().positive().default(21),
    pointsPerCheckin: z.number().int().positive().default(10),
    /** A bonus is granted when the streak reaches a multiple of this (7, 14, 21…). */
    streakBonusEvery: z.number().int().positive().default(7),
    /** 0 turns streak bonuses off. */
    streakBonusPoints: z.number().int().nonnegative().default(50),
    completionReward: CompletionReward.default({ kind: 'percent-off-coupon', percent: 20 }),
    /** The daily wake-up, and the reminder sent then on a day without the action. */
    reminder: z
      .object({ localTime: LocalTime.default('20:00'), templateId: z.string().min(1).default('checkin-reminder') })
      .default({ localTime: '20:00', templateId: 'checkin-reminder' }),
  })
  .refine((config) => config.requiredCheckins <= config.windowDays, {
    message: 'requiredCheckins cannot exceed windowDays',
    path: ['requiredCheckins'],
  });
export type ProgramDefinition = z.infer<typeof ProgramDefinition>;

/**
 * The programs shipped by default: the 21-day check-in, and a 7-day onboarding task program whose
 * daily action is using the playlist feature (a `feature_use` event), 5 of 7 days to complete,
 * 20 points a day, +30 on every 3rd consecutive day, 100 points on completion.
 */
export const DEFAULT_PROGRAMS: readonly ProgramDefinition[] = [
  ProgramDefinition.parse({ names: { en: '21-day check-in', 'zh-CN': '21天签到' } }),
  ProgramDefinition.parse({
    programId: 'onboarding-7',
    names: { en: '7-day onboarding: make a playlist a day', 'zh-CN': '7天新手任务：每天创建歌单' },
    dailyAction: { kind: 'event', eventType: 'feature_use', feature: 'playlist' },
    requiredCheckins: 5,
    windowDays: 7,
    pointsPerCheckin: 20,
    streakBonusEvery: 3,
    streakBonusPoints: 30,
    completionReward: { kind: 'points', points: 100 },
    reminder: { localTime: '19:00', templateId: 'onboarding-reminder' },
  }),
];

/** The configured programs, ids unique; the first is not special (the default is `DEFAULT_PROGRAM_ID`). */
export const ProgramCatalogue = z
  .array(ProgramDefinition)
  .min(1)
  .refine((programs) => new Set(programs.map((program) => program.programId)).size === programs.length, { message: 'programIds must be unique' });
export type ProgramCatalogue = z.infer<typeof ProgramCatalogue>;

/** The program with this id, or `undefined` when none is configured. */
export function programNamed(catalogue: readonly ProgramDefinition[], programId: string): ProgramDefinition | undefined {
  return catalogue.find((program) => program.programId === programId);
}

/** Whether a behaviour event is the program's daily action. */
export function isDailyActionEvent(definition: ProgramDefinition, event: { readonly type: string; readonly feature?: string | undefined }): boolean {
  const action = definition.dailyAction;
  switch (action.kind) {
    case 'checkin':
      return false;
    case 'event':
      return action.eventType === event.type && (action.feature === undefined || action.feature === event.feature);
    default:
      return assertNever(action);
  }
}

/** Where a user's run of the program stands. */
export const CheckinProgramStatus = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('active') }),
  z.object({ kind: z.literal('completed'), completedOn: LocalDay }),
  /** `endedOn`: the first local day on which completion was no longer possible. */
  z.object({ kind: z.literal('ended-impossible'), endedOn: LocalDay }),
]);
export type CheckinProgramStatus = z.infer<typeof CheckinProgramStatus>;

/** One user's enrolment in one check-in program, as persisted between calls. */
export const CheckinProgramState = z.object({
  userId: z.string().min(1),
  programId: z.string().min(1),
  timeZone: TimeZone,
  enrolledAt: z.iso.datetime(),
  /** Day 1 of the window: the user's local day at enrolment. */
  startDay: LocalDay,
  /** Local days with the daily action (a check-in, or the program's event), ascending, no duplicates. */
  checkedInDays: z.array(LocalDay),
  /** Consecutive days ending at the last check-in. */
  streak: z.number().int().nonnegative(),
  /** 1 once the completion reward (coupon or points) was granted; the name is the stored attribute's. */
  couponsIssued: z.number().int().nonnegative(),
  status: CheckinProgramStatus,
});
export type CheckinProgramState = z.infer<typeof CheckinProgramState>;

/**
 * What a user's run of the program came to: the body of the end-of-program message, and the
 * progress shown by `rekindle programs status` while it runs.
 */
export interface CheckinProgramSummary {
  readonly userId: string;
  readonly programId: string;
  readonly outcome: 'in-progress' | 'completed' | 'completion-impossible';
  readonly checkIns: number;
  readonly requiredCheckins: number;
  readonly pointsEarned: number;
  readonly streakBonuses: number;
  readonly longestStreak: number;
  readonly couponIssued: boolean;
  /** Completion day, or the first day completion was no longer possible; none while running. */
  readonly endedOn: LocalDay | undefined;
}

/** Result of a check-in attempt. */
export type CheckInOutcome =
  | {
      readonly kind: 'checked-in';
      readonly day: LocalDay;
      /** 1 on the enrolment day. */
      readonly dayNumber: number;
      readonly streak: number;
      /** Daily points, then the streak bonus and the completion coupon when earned. */
      readonly grants: readonly RewardGrant[];
      /** Persist after applying the grants. */
      readonly state: CheckinProgramState;
    }
  | { readonly kind: 'already-checked-in-today'; readonly day: LocalDay }
  /**
   * Completed, or completion had become impossible. `state` is the ended state (it may have just
   * changed from `active`: persist it); `summary` is for the closing message.
   */
  | { readonly kind: 'program-ended'; readonly state: CheckinProgramState; readonly summary: CheckinProgramSummary }
  /** The instant falls before the user's enrolment day (clock skew or a stale request). */
  | { readonly kind: 'not-started'; readonly startDay: LocalDay }
  | { readonly kind: 'not-enrolled' };

/** What orchestration should do when it wakes for a user (normally at the local reminder time). */
export type DayEvaluation =
  | {
      readonly kind: 'reminder-due';
      readonly day: LocalDay;
      /** Idempotency key for the send path: one reminder per user, program and day. */
      readonly reminderId: string;
      readonly wakeAt: Date;
    }
  | { readonly kind: 'nothing-due'; readonly wakeAt: Date }
  /** Completion just turned out impossible: persist `state`, send the summary, stop waking. */
  | { readonly kind: 'ended-impossible'; readonly state: CheckinProgramState; readonly summary: CheckinProgramSummary }
  /** Already over before this wake (completed or ended earlier): stop waking. */
  | { readonly kind: 'program-over'; readonly summary: CheckinProgramSummary };

/** Enrols a user; the enrolment day is day 1 of the window. */
export function enrollInCheckinProgram(input: {
  readonly userId: string;
  readonly timeZone: string;
  readonly at: Date;
  readonly config: ProgramDefinition;
}): CheckinProgramState {
  return CheckinProgramState.parse({
    userId: input.userId,
    programId: input.config.programId,
    timeZone: input.timeZone,
    enrolledAt: input.at.toISOString(),
    startDay: localDayOf(input.at, input.timeZone),
    checkedInDays: [],
    streak: 0,
    couponsIssued: 0,
    status: { kind: 'active' },
  });
}

/** Last local day of the window. */
export function lastDayOfWindow(state: CheckinProgramState, config: ProgramDefinition): LocalDay {
  return addLocalDays(state.startDay, config.windowDays - 1);
}

/**
 * The first day on which completion is impossible, given the check-ins so far and that `today`
 * has begun; `undefined` while completion is still possible.
 *
 * Completion needs `requiredCheckins` of the `windowDays` days, so it becomes impossible at the
 * start of the day after the (windowDays − requiredCheckins + 1)-th missed day. With 21 of 21,
 * that is the day after the first miss: the program ends at once, not at the window's end.
 */
export function completionImpossibleSince(state: CheckinProgramState, today: LocalDay, config: ProgramDefinition): LocalDay | undefined {
  if (state.checkedInDays.length >= config.requiredCheckins) return undefined;
  const missesAllowed = config.windowDays - config.requiredCheckins;
  const checkedIn = new Set(state.checkedInDays);
  const lastDay = lastDayOfWindow(state, config);
  let misses = 0;
  // Only days that are over can be missed: the loop stops before today.
  for (let day = state.startDay; day < today && day <= lastDay; day = addLocalDays(day, 1)) {
    if (checkedIn.has(day)) continue;
    misses += 1;
    if (misses > missesAllowed) return addLocalDays(day, 1);
  }
  return undefined;
}

function assertSameProgram(state: CheckinProgramState, config: ProgramDefinition): void {
  if (state.programId !== config.programId) throw new CheckinProgramMismatchError(state.programId, config.programId);
}

/**
 * A check-in at instant `at`. Counts for the user's local day at that instant; at most one per
 * local day. Refused once the program has ended, including when completion became impossible
 * at an earlier midnight that no evaluation has recorded yet (the state is ended then).
 *
 * The returned grants have deterministic ids, so concurrent identical check-ins computed from
 * the same state all produce the same grants, and the ledger keeps exactly one.
 */
export function checkIn(state: CheckinProgramState | undefined, at: Date, config: ProgramDefinition): CheckInOutcome {
  if (!state) return { kind: 'not-enrolled' };
  assertSameProgram(state, config);
  const day = localDayOf(at, state.timeZone);
  switch (state.status.kind) {
    case 'completed':
    case 'ended-impossible':
      return { kind: 'program-ended', state, summary: summarizeCheckinProgram(state, config) };
    case 'active':
      break;
    default:
      return assertNever(state.status);
  }
  if (day < state.startDay) return { kind: 'not-started', startDay: state.startDay };
  const lastCheckIn = state.checkedInDays.at(-1);
  // A check-in for a day before the last one (a late-processed request) can only be a repeat.
  if (lastCheckIn !== undefined && day <= lastCheckIn) return { kind: 'already-checked-in-today', day };

  const impossibleSince = completionImpossibleSince(state, day, config);
  if (impossibleSince !== undefined) {
    const ended: CheckinProgramState = { ...state, status: { kind: 'ended-impossible', endedOn: impossibleSince } };
    return { kind: 'program-ended', state: ended, summary: summarizeCheckinProgram(ended, config) };
  }

  const streak = lastCheckIn !== undefined && addLocalDays(lastCheckIn, 1) === day ? state.streak + 1 : 1;
  const checkedInDays = [...state.checkedInDays, day];
  const grants: RewardGrant[] = [pointsGrant(state, 'checkin', ledgerEntryIds.checkin(state.userId, state.programId, day), config.pointsPerCheckin, at)];
  if (config.streakBonusPoints > 0 && streak % config.streakBonusEvery === 0) {
    grants.push(pointsGrant(state, 'streak-bonus', ledgerEntryIds.streakBonus(state.userId, state.programId, day), config.streakBonusPoints, at));
  }
  const completes = checkedInDays.length >= config.requiredCheckins;
  if (completes && state.couponsIssued === 0) grants.push(completionGrant(state, config.completionReward, at));
  const next: CheckinProgramState = {
    ...state,
    checkedInDays,
    streak,
    couponsIssued: completes ? 1 : state.couponsIssued,
    status: completes ? { kind: 'completed', completedOn: day } : state.status,
  };
  return {
    kind: 'checked-in',
    day,
    dayNumber: localDaysBetween(state.startDay, day) + 1,
    streak,
    grants,
    state: next,
  };
}

function completionGrant(state: CheckinProgramState, reward: CompletionReward, at: Date): RewardGrant {
  switch (reward.kind) {
    case 'percent-off-coupon':
      return {
        kind: 'coupon',
        coupon: {
          id: rewardIds.checkinCompletionCoupon(state.userId, state.programId),
          userId: state.userId,
          reason: 'checkin-completion',
          programId: state.programId,
          discount: { kind: 'percent-off', percent: reward.percent },
          issuedAt: at.toISOString(),
        },
      };
    case 'points':
      return pointsGrant(state, 'program-completion', ledgerEntryIds.programCompletion(state.userId, state.programId), reward.points, at);
    default:
      return assertNever(reward);
  }
}

function pointsGrant(state: CheckinProgramState, reason: 'checkin' | 'streak-bonus' | 'program-completion', id: string, amount: number, at: Date): RewardGrant {
  const entry: GrantEntry = {
    kind: 'grant',
    id,
    userId: state.userId,
    account: 'points',
    reason,
    amount,
    occurredAt: at.toISOString(),
  };
  return { kind: 'points', entry };
}

/**
 * What to do for a user at `now`. Orchestration calls it at each wake-up (the local reminder
 * time, see `wakeAt`); calling it at any other instant is safe and answers consistently.
 * - before today's reminder time: nothing, wake at today's reminder time;
 * - completion impossible (a day was missed, or the window is over): end with a summary;
 * - at or after the reminder time with no check-in today: remind, wake tomorrow;
 * - otherwise nothing, wake at the next reminder time.
 */
export function evaluateDay(state: CheckinProgramState, now: Date, config: ProgramDefinition): DayEvaluation {
  assertSameProgram(state, config);
  switch (state.status.kind) {
    case 'completed':
    case 'ended-impossible':
      return { kind: 'program-over', summary: summarizeCheckinProgram(state, config) };
    case 'active':
      break;
    default:
      return assertNever(state.status);
  }
  const today = localDayOf(now, state.timeZone);
  const impossibleSince = completionImpossibleSince(state, today, config);
  if (impossibleSince !== undefined) {
    const ended: CheckinProgramState = { ...state, status: { kind: 'ended-impossible', endedOn: impossibleSince } };
    return { kind: 'ended-impossible', state: ended, summary: summarizeCheckinProgram(ended, config) };
  }
  const firstDay = today < state.startDay ? state.startDay : today;
  const reminderToday = instantAtLocalTime(firstDay, config.reminder.localTime, state.timeZone);
  if (now.getTime() < reminderToday.getTime()) return { kind: 'nothing-due', wakeAt: reminderToday };
  const wakeAt = nextLocalTimeAfter(now, config.reminder.localTime, state.timeZone);
  if (!state.checkedInDays.includes(today)) {
    return {
      kind: 'reminder-due',
      day: today,
      reminderId: rewardIds.checkinReminder(state.userId, state.programId, today),
      wakeAt,
    };
  }
  return { kind: 'nothing-due', wakeAt };
}

/**
 * The next instant orchestration should wake for this user, or `undefined` once the program is
 * over. One wake a day at the reminder time is enough: a check-in needs no wake (it is a
 * request), and a missed day is noticed at the next day's wake, where the summary goes out at a
 * civil hour rather than at midnight.
 */
export function nextWakeUpAt(state: CheckinProgramState, now: Date, config: ProgramDefinition): Date | undefined {
  const evaluation = evaluateDay(state, now, config);
  switch (evaluation.kind) {
    case 'reminder-due':
    case 'nothing-due':
      return evaluation.wakeAt;
    case 'ended-impossible':
    case 'program-over':
      return undefined;
    default:
      return assertNever(evaluation);
  }
}

/**
 * Summary recomputed from the check-in days alone (not from stored counters), so it agrees with
 * the ledger's entries for this program by construction.
 */
export function summarizeCheckinProgram(state: CheckinProgramState, config: ProgramDefinition): CheckinProgramSummary {
  let pointsEarned = 0;
  let streakBonuses = 0;
  let streak = 0;
  let longestStreak = 0;
  let previous: LocalDay | undefined;
  for (const day of state.checkedInDays) {
    streak = previous !== undefined && addLocalDays(previous, 1) === day ? streak + 1 : 1;
    longestStreak = Math.max(longestStreak, streak);
    pointsEarned += config.pointsPerCheckin;
    if (config.streakBonusPoints > 0 && streak % config.streakBonusEvery === 0) {
      pointsEarned += config.streakBonusPoints;
      streakBonuses += 1;
    }
    previous = day;
  }
  const base: Omit<CheckinProgramSummary, 'outcome' | 'endedOn'> & { pointsEarned: number } = {
    userId: state.userId,
    programId: state.programId,
    checkIns: state.checkedInDays.length,
    requiredCheckins: config.requiredCheckins,
    pointsEarned,
    streakBonuses,
    longestStreak,
    couponIssued: state.couponsIssued > 0 && config.completionReward.kind === 'percent-off-coupon',
  };
  // The completion reward, when it is points, is part of what the program earned.
  if (state.couponsIssued > 0 && config.completionReward.kind === 'points') base.pointsEarned += config.completionReward.points;
  switch (state.status.kind) {
    case 'completed':
      return { ...base, outcome: 'completed', endedOn: state.status.completedOn };
    case 'ended-impossible':
      return { ...base, outcome: 'completion-impossible', endedOn: state.status.endedOn };
    case 'active':
      return { ...base, outcome: 'in-progress', endedOn: undefined };
    default:
      return assertNever(state.status);
  }
}

/**
 * When the sweep must next look at a program: the next wake-up, or right away when completion
 * has just become impossible (so the sweep records the end and sends the summary instead of the
 * program silently leaving the wake index). Over, or a program no longer configured: never.
 */
export function checkinWakeUpPolicy(catalogue: readonly ProgramDefinition[], clock: Clock) {
  return (state: CheckinProgramState): Date | undefined => {
    const config = programNamed(catalogue, state.programId);
    if (state.status.kind !== 'active' || !config) return undefined;
    const now = clock.now();
    return nextWakeUpAt(state, now, config) ?? now;
  };
}
