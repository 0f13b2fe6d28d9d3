import { activeLocalDays, isActiveDay, type DailyActivity } from '../events/daily-activity';
import { addDays, daysBetween } from '../common';

/**
 * Product health of one reporting day, computed exactly in one pass over the users (the nightly
 * scan's pass): each user is folded into a {@link HealthTally}, tallies of scan segments are added
 * up with {@link mergeHealthTallies}, and {@link finishHealthDay} turns the sum into the day's
 * metrics. Every count is a whole number of users, so the sum of segments equals one fold over all.
 *
 * Days are read in the reporting zone from each UTC day's active quarter-hours
 * ({@link activeLocalDays}), exact at local midnight and across DST changes. Feature use is counted
 * per UTC day (aggregates hold it per UTC day, without quarter-hours), so feature penetration and
 * the Trace of features use UTC days on both sides of the ratio.
 */

/** One user as the fold reads them: their daily aggregates and the segment the last scoring put them in. */
export interface HealthUser {
  userId: string;
  days: readonly DailyActivity[];
  /** RFM segment of the previous scoring run, used by Trace; null when never scored. */
  segment: string | null;
}

/** What a day's fold needs to know besides the users. */
export interface HealthDayOptions {
  /** The reporting day, YYYY-MM-DD in `timeZone`. */
  day: string;
  /** IANA zone the days are read in (default Asia/Shanghai). */
  timeZone: string;
  /** Core features whose penetration is measured. */
  coreFeatures: readonly string[];
  /** Cohorts (weeks of first activity) kept, the newest first. */
  cohortWeeks: number;
  /** The day the Trace compares the reporting day against (e.g. three days before). */
  traceBaseDay: string;
}

/** A cohort's counters: users, and by week n since their first day, who could and who did return. */
export interface CohortTally {
  users: number;
  /** eligible[n]: users whose week n (days 7n..7n+6 after their first) has ended by the reporting day. */
  eligible: number[];
  /** retained[n]: eligible users active in their week n (N-day retention). */
  retained: number[];
  /** retainedUnbounded[n]: eligible users active in their week n or any later day (unbounded retention). */
  retainedUnbounded: number[];
}

/** Mergeable counters of one reporting day over any set of users. */
export interface HealthTally {
  usersKnown: number;
  dau: number;
  wau: number;
  mau: number;
  /** activeDays7[n - 1]: users active on exactly n of the last 7 days (n = 1..7). */
  activeDays7: number[];
  /** activeDays30[n - 1]: users active on exactly n of the last 30 days. */
  activeDays30: number[];
  newYesterday: number;
  newYesterdayActiveToday: number;
  /** Users active on some UTC day of the last 7 (the denominator of feature penetration). */
  activeUtc7: number;
  /** Users of each core feature on some UTC day of the last 7. */
  featureUsers7: Record<string, number>;
  /** Trace: users of each feature (any feature) on the reporting UTC day and on the base day. */
  featureUsersToday: Record<string, number>;
  featureUsersBase: Record<string, number>;
  /** Trace: active users of each segment on the reporting day and on the base day. */
  segmentActiveToday: Record<string, number>;
  segmentActiveBase: Record<string, number>;
  /** By the Monday (YYYY-MM-DD) of the ISO week of the users' first active day. */
  cohorts: Record<string, CohortTally>;
}

const COHORT_WEEKS_MAX = 26;
const NO_SEGMENT = 'unscored';

export function emptyHealthTally(): HealthTally {
  return {
    usersKnown: 0,
    dau: 0,
    wau: 0,
    mau: 0,
    activeDays7: new Array<number>(7).fill(0),
    activeDays30: new Array<number>(30).fill(0),
    newYesterday: 0,
    newYesterdayActiveToday: 0,
    activeUtc7: 0,
    featureUsers7: {},
    featureUsersToday: {},
    featureUsersBase: {},
    segmentActiveToday: {},
    segmentActiveBase: {},
    cohorts: {},
  };
}

/** The Monday of the ISO week holding `day`. */
export function mondayOf(day: string): string {
  const weekday = (new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7;
  return addDays(day, -weekday);
}

/** The ISO week `YYYY-Www` of a day. */
export function isoWeekOf(day: string): string {
  const thursday = addDays(mondayOf(day), 3);
  const year = thursday.slice(0, 4);
  const week = Math.floor(daysBetween(mondayOf(`${year}-01-04`), mondayOf(day)) / 7) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
}

/** The Monday of an ISO week `YYYY-Www`. */
export function mondayOfIsoWeek(week: string): string {
  const match = /^(\d{4})-W(\d{2})$/.exec(week);
  if (!match) throw new RangeError(`not an ISO week: ${week}`);
  return addDays(mondayOf(`${match[1]}-01-04`), (Number(match[2]) - 1) * 7);
}

const bump = (counts: Record<string, number>, key: string) => void (counts[key] = (counts[key] ?? 0) + 1);

/**
 * Folds one user into the tally of `options.day`, in place. Days after the reporting day are
 * ignored, so recomputing a past day gives what it gave then (given the same aggregates).
 */
export function addUserToHealthTally(tally: HealthTally, user: HealthUser, options: HealthDayOptions): void {
  addReadUser(tally, user, activeLocalDays(user.days, options.timeZone), options);
}

/**
 * Folds one user into the tallies of several reporting days at once (a backfill), in place: the
 * user's local days are read once, and each day's tally gets what {@link addUserToHealthTally}
 * would give it. Every day must use the same time zone.
 */
export function addUserToHealthTallies(days: ReadonlyArray<{ tally: HealthTally; options: HealthDayOptions }>, user: HealthUser): void {
  const timeZone = days[0]?.options.timeZone;
  if (timeZone === undefined) return;
  const localDays = activeLocalDays(user.days, timeZone);
  for (const { tally, options } of days) {
    if (options.timeZone !== timeZone) throw new RangeError('every backfilled day must use the same time zone');
    addReadUser(tally, user, localDays, options);
  }
}

function addReadUser(tally: HealthTally, user: HealthUser, localDays: readonly string[], options: HealthDayOptions): void {
  const { day } = options;
  const local = localDays.filter((d) => d <= day);
  const localSet = new Set(local);
  const first = local[0];
  const utcActive = user.days.filter((d) => d.day <= day && isActiveDay(d));
  if (first === undefined && utcActive.length === 0) return;
  tally.usersKnown += 1;

  let last7 = 0;
  let last30 = 0;
  for (const d of local) {
    const age = daysBetween(d, day);
    if (age < 30) last30 += 1;
    if (age < 7) last7 += 1;
  }
  if (localSet.has(day)) tally.dau += 1;
  if (last7 > 0) {
    tally.wau += 1;
    tally.activeDays7[last7 - 1]! += 1;
  }
  if (last30 > 0) {
    tally.mau += 1;
    tally.activeDays30[last30 - 1]! += 1;
  }
  if (first === addDays(day, -1)) {
    tally.newYesterday += 1;
    if (localSet.has(day)) tally.newYesterdayActiveToday += 1;
  }

  const segment = user.segment ?? NO_SEGMENT;
  if (localSet.has(day)) bump(tally.segmentActiveToday, segment);
  if (localSet.has(options.traceBaseDay)) bump(tally.segmentActiveBase, segment);

  const used7 = new Set<string>();
  for (const activity of utcActive) {
    const age = daysBetween(activity.day, day);
    for (const feature of Object.keys(activity.featureUses)) {
      if (age < 7) used7.add(feature);
      if (activity.day === day) bump(tally.featureUsersToday, feature);
      if (activity.day === options.traceBaseDay) bump(tally.featureUsersBase, feature);
    }
  }
  if (utcActive.some((activity) => daysBetween(activity.day, day) < 7)) tally.activeUtc7 += 1;
  for (const feature of options.coreFeatures) if (used7.has(feature)) bump(tally.featureUsers7, feature);

  if (first !== undefined) addToCohort(tally, first, local, options);
}

function addToCohort(tally: HealthTally, first: string, local: readonly string[], options: HealthDayOptions): void {
  const cohortKey = mondayOf(first);
  const newestCohort = mondayOf(options.day);
  if (daysBetween(cohortKey, newestCohort) / 7 >= Math.min(options.cohortWeeks, COHORT_WEEKS_MAX)) return;
  const cohort = (tally.cohorts[cohortKey] ??= { users: 0, eligible: [], retained: [], retainedUnbounded: [] });
  cohort.users += 1;
  const lastActiveAge = daysBetween(first, local.at(-1)!);
  for (let week = 0; first <= options.day && daysBetween(first, options.day) >= 7 * week + 6; week++) {
    const from = 7 * week;
    const active = local.some((d) => {
      const age = daysBetween(first, d);
      return age >= from && age <= from + 6;
    });
    cohort.eligible[week] = (cohort.eligible[week] ?? 0) + 1;
    cohort.retained[week] = (cohort.retained[week] ?? 0) + (active ? 1 : 0);
    cohort.retainedUnbounded[week] = (cohort.retainedUnbounded[week] ?? 0) + (lastActiveAge >= from ? 1 : 0);
  }
}

const addArrays = (a: readonly number[], b: readonly number[]) => Array.from({ length: Math.max(a.length, b.length) }, (_, i) => (a[i] ?? 0) + (b[i] ?? 0));
const addRecords = (a: Readonly<Record<string, number>>, b: Readonly<Record<string, number>>) => {
  const sum: Record<string, number> = { ...a };
  for (const [key, value] of Object.entries(b)) sum[key] = (sum[key] ?? 0) + value;
  return sum;
};

/** The tally of the union of two disjoint sets of users (two scan segments). */
export function mergeHealthTallies(a: HealthTally, b: HealthTally): HealthTally {
  const cohorts: Record<string, CohortTally> = { ...a.cohorts };
  for (const [key, cohort] of Object.entries(b.cohorts)) {
    const mine = cohorts[key];
    cohorts[key] = mine
      ? {
          users: mine.users + cohort.users,
          eligible: addArrays(mine.eligible, cohort.eligible),
          retained: addArrays(mine.retained, cohort.retained),
          retainedUnbounded: addArrays(mine.retainedUnbounded, cohort.retainedUnbounded),
        }
      : cohort;
  }
  return {
    usersKnown: a.usersKnown + b.usersKnown,
    dau: a.dau + b.dau,
    wau: a.wau + b.wau,
    mau: a.mau + b.mau,
    activeDays7: addArrays(a.activeDays7, b.activeDays7),
    activeDays30: addArrays(a.activeDays30, b.activeDays30),
    newYesterday: a.newYesterday + b.newYesterday,
    newYesterdayActiveToday: a.newYesterdayActiveToday + b.newYesterdayActiveToday,
    activeUtc7: a.activeUtc7 + b.activeUtc7,
    featureUsers7: addRecords(a.featureUsers7, b.featureUsers7),
    featureUsersToday: addRecords(a.featureUsersToday, b.featureUsersToday),
    featureUsersBase: addRecords(a.featureUsersBase, b.featureUsersBase),
    segmentActiveToday: addRecords(a.segmentActiveToday, b.segmentActiveToday),
    segmentActiveBase: addRecords(a.segmentActiveBase, b.segmentActiveBase),
    cohorts,
  };
}

/** Message outcomes of the reporting day, from the message log and the provider feedback. */
export interface MessageDayCounts {
  sent: number;
  complaints: number;
  bounces: number;
  unsubscribes: number;
}

export interface FeaturePenetration {
  feature: string;
  users: number;
  rate: number;
  benchmark: number;
}

export interface CohortRetention {
  /** Monday of the cohort's week of first activity. */
  cohort: string;
  week: string;
  users: number;
  /** By week n since each user's first day; only weeks that have ended for some user. */
  nDay: number[];
  unbounded: number[];
}

/** The stored health of one reporting day: one point of the time series. */
export interface HealthDay {
  day: string;
  timeZone: string;
  usersKnown: number;
  dau: number;
  wau: number;
  mau: number;
  stickiness: number;
  /** share7[n - 1]: share of WAU active on exactly n of the last 7 days. */
  share7: number[];
  share30: number[];
  d1: { newUsers: number; retained: number; rate: number };
  activeRate7: number;
  features: FeaturePenetration[];
  cohorts: CohortRetention[];
  messages: MessageDayCounts & { complaintRate: number; bounceRate: number; unsubscribeRate: number };
  trace: {
    baseDay: string;
    featuresToday: Record<string, number>;
    featuresBase: Record<string, number>;
    segmentsToday: Record<string, number>;
    segmentsBase: Record<string, number>;
  };
}

const ratio = (part: number, whole: number) => (whole === 0 ? 0 : Math.round((part / whole) * 1e6) / 1e6);

/** The day's metrics from the tally of all users and the day's message counts. */
export function finishHealthDay(
  tally: HealthTally,
  messages: MessageDayCounts,
  options: HealthDayOptions & { benchmarks: Readonly<Record<string, number>> },
): HealthDay {
  return {
    day: options.day,
    timeZone: options.timeZone,
    usersKnown: tally.usersKnown,
    dau: tally.dau,
    wau: tally.wau,
    mau: tally.mau,
    stickiness: ratio(tally.dau, tally.mau),
    share7: tally.activeDays7.map((n) => ratio(n, tally.wau)),
    share30: tally.activeDays30.map((n) => ratio(n, tally.mau)),
    d1: { newUsers: tally.newYesterday, retained: tally.newYesterdayActiveToday, rate: ratio(tally.newYesterdayActiveToday, tally.newYesterday) },
    activeRate7: ratio(tally.wau, tally.usersKnown),
    features: options.coreFeatures.map((feature) => ({
      feature,
      users: tally.featureUsers7[feature] ?? 0,
      rate: ratio(tally.featureUsers7[feature] ?? 0, tally.activeUtc7),
      benchmark: options.benchmarks[feature] ?? 0,
    })),
    cohorts: Object.entries(tally.cohorts)
      .sort(([a], [b]) => (a < b ? 1 : -1))
      .map(([cohort, counts]) => ({
        cohort,
        week: isoWeekOf(cohort),
        users: counts.users,
        nDay: counts.eligible.map((eligible, n) => ratio(counts.retained[n] ?? 0, eligible)),
        unbounded: counts.eligible.map((eligible, n) => ratio(counts.retainedUnbounded[n] ?? 0, eligible)),
      })),
    messages: {
      ...messages,
      complaintRate: ratio(messages.complaints, messages.sent),
      bounceRate: ratio(messages.bounces, messages.sent),
      unsubscribeRate: ratio(messages.unsubscribes, messages.sent),
    },
    trace: {
      baseDay: options.traceBaseDay,
      featuresToday: tally.featureUsersToday,
      featuresBase: tally.featureUsersBase,
      segmentsToday: tally.segmentActiveToday,
      segmentsBase: tally.segmentActiveBase,
    },
  };
}

/** Folds all users at once: what the segments' tallies add up to. */
export function computeHealthDay(
  users: readonly HealthUser[],
  messages: MessageDayCounts,
  options: HealthDayOptions & { benchmarks: Readonly<Record<string, number>> },
): HealthDay {
  const tally = emptyHealthTally();
  for (const user of users) addUserToHealthTally(tally, user, options);
  return finishHealthDay(tally, messages, options);
}

/**
 * The reporting day a run at `instant` closes: the day before the instant's local day in
 * `timeZone` (the schedule fires after the reporting zone's midnight).
 */
export function reportingDayBefore(instant: Date, timeZone: string): string {
  const reading = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(instant);
  return addDays(reading, -1);
}
