import type { BehaviourEvent } from './behaviour-event';
import { assertNever, daysBetween, MS_PER_DAY, utcDayOf, utcDayOfNumber, utcDayStartMs, wallClockAsUtcMs, wallClockAt } from '../common';

/**
 * What one user did on one UTC day. Nightly work reads these, never raw events. Built by adding
 * each new event once (see `mergeNewEvents` in month-activity.ts); `aggregateDay` is the same fold
 * over a whole day's events.
 */
export interface DailyActivity {
  userId: string;
  /** UTC day, YYYY-MM-DD. */
  day: string;
  eventCount: number;
  sessions: number;
  featureUses: Record<string, number>;
  searches: number;
  purchases: number;
  purchaseAmount: number;
  refunds: number;
  refundAmount: number;
  checkins: number;
  referralSignups: number;
  messageOpens: number;
  messageClicks: number;
  unsubscribes: number;
  firstEventAt: string;
  lastEventAt: string;
  /**
   * The quarter-hours of the UTC day in which the user was active (see {@link isActiveEvent}): 96
   * bits as 24 hex digits, bit q for [q × 15 min, (q + 1) × 15 min). Every time zone's offset is a
   * whole number of quarter-hours, so a quarter-hour never straddles a local midnight: from these
   * bits the days active in any zone (the reporting zone, the user's own) are exact. Absent on
   * aggregates written before it existed.
   */
  activeQuarterHours?: string;
}

const QUARTER_HOUR_MS = 15 * 60 * 1000;
const NO_QUARTER_HOURS = '0'.repeat(24);

/** Events that count as the user being present (not just a message being opened). */
export function isActiveEvent(event: BehaviourEvent): boolean {
  return event.type === 'session' || event.type === 'feature_use' || event.type === 'search' || event.type === 'purchase' || event.type === 'checkin';
}

function withQuarterHour(bits: string, quarter: number): string {
  const digit = Math.floor(quarter / 4);
  const value = parseInt(bits[digit]!, 16) | (1 << (quarter % 4));
  return bits.slice(0, digit) + value.toString(16) + bits.slice(digit + 1);
}

/**
 * The days, as people in `timeZone` read them, on which the user was active: exact in any zone,
 * across DST changes, from the quarter-hours each UTC day records. Days written before the
 * quarter-hours existed count on their UTC day.
 */
export function activeLocalDays(days: readonly DailyActivity[], timeZone: string): string[] {
  // Nightly scoring folds this for every user (product health), a few hundred quarter-hours each,
  // over the same few hundred UTC days: how each UTC day reads in the zone is worked out once per
  // (zone, day) and kept, and local days are kept as day numbers until the end.
  const local = new Set<number>();
  for (const activity of days) {
    if (activity.activeQuarterHours === undefined) {
      if (isActiveDay(activity)) local.add(Math.round(utcDayStartMs(activity.day) / MS_PER_DAY));
      continue;
    }
    const bits = activity.activeQuarterHours;
    const inZone = utcDayInZone(activity.day, timeZone);
    if (inZone.turnsAt === null) {
      addLocalDaysAcrossTransition(local, activity.day, bits, timeZone);
      continue;
    }
    // Quarter-hours before `turnsAt` fall on `firstLocalDay`, the rest on the day after.
    let before = false;
    let after = false;
    for (let digit = 0; digit < 24 && !(before && after); digit++) {
      const value = hexDigit(bits.charCodeAt(digit));
      if (value === 0) continue;
      const split = Math.min(4, Math.max(0, inZone.turnsAt - digit * 4));
      if (value & ((1 << split) - 1)) before = true;
      if (value >> split) after = true;
    }
    if (before) local.add(inZone.firstLocalDay);
    if (after) local.add(inZone.firstLocalDay + 1);
  }
  return [...local].sort((a, b) => a - b).map(utcDayOfNumber);
}

/**
 * How one UTC day reads in a zone: the local day (days since the epoch) its first quarter-hour
 * falls on, and the quarter-hour from which on the local date is the next one (96: never); or
 * `turnsAt` null when the zone's offset changes within the day.
 */
interface UtcDayInZone {
  firstLocalDay: number;
  turnsAt: number | null;
}

const MAX_CACHED_ZONE_DAYS = 100_000;
const zoneDays = new Map<string, Map<string, UtcDayInZone>>();

function utcDayInZone(day: string, timeZone: string): UtcDayInZone {
  let byDay = zoneDays.get(timeZone);
  if (!byDay) zoneDays.set(timeZone, (byDay = new Map()));
  let inZone = byDay.get(day);
  if (inZone === undefined) {
    const dayStart = utcDayStartMs(day);
    const dayNumber = Math.round(dayStart / MS_PER_DAY);
    const offset = offsetOf(dayStart, timeZone);
    if (offset !== offsetOf(dayStart + MS_PER_DAY - 1000, timeZone)) {
      inZone = { firstLocalDay: dayNumber, turnsAt: null };
    } else {
      // Quarter-hour q is local day dayNumber + floor((q × 15 min + offset) / 1 day).
      const shift = Math.floor(offset / MS_PER_DAY);
      inZone = { firstLocalDay: dayNumber + shift, turnsAt: Math.ceil(((shift + 1) * MS_PER_DAY - offset) / QUARTER_HOUR_MS) };
    }
    if (byDay.size >= MAX_CACHED_ZONE_DAYS) byDay.clear();
    byDay.set(day, inZone);
  }
  return inZone;
}

/** A day with a transition in it reads each active quarter-hour's own offset. */
function addLocalDaysAcrossTransition(local: Set<number>, day: string, bits: string, timeZone: string): void {
  const dayStart = utcDayStartMs(day);
  for (let digit = 0; digit < 24; digit++) {
    const value = hexDigit(bits.charCodeAt(digit));
    for (let bit = 0; bit < 4; bit++) {
      if (!(value & (1 << bit))) continue;
      const instant = dayStart + (digit * 4 + bit) * QUARTER_HOUR_MS;
      local.add(Math.floor((instant + offsetOf(instant, timeZone)) / MS_PER_DAY));
    }
  }
}

/** The value of a hex digit's character code (0 for anything else, as for a missing digit). */
function hexDigit(code: number): number {
  if (code >= 48 && code <= 57) return code - 48;
  const lower = code | 32;
  return lower >= 97 && lower <= 102 ? lower - 87 : 0;
}

/** The zone's offset from UTC at a whole-second instant, in ms. */
function offsetOf(instant: number, timeZone: string): number {
  return wallClockAsUtcMs(wallClockAt(instant, timeZone)) - instant;
}

/** A day with nothing in it yet. */
export function emptyDay(userId: string, day: string): DailyActivity {
  return {
    userId,
    day,
    eventCount: 0,
    sessions: 0,
    featureUses: {},
    searches: 0,
    purchases: 0,
    purchaseAmount: 0,
    refunds: 0,
    refundAmount: 0,
    checkins: 0,
    referralSignups: 0,
    messageOpens: 0,
    messageClicks: 0,
    unsubscribes: 0,
    firstEventAt: '',
    lastEventAt: '',
    activeQuarterHours: NO_QUARTER_HOURS,
  };
}

/**
 * Adds one event of the activity's user and UTC day to it, in place. Not idempotent by itself:
 * callers add each event once (by event id within a day's fold, by stream sequence across batches).
 */
export function addEvent(activity: DailyActivity, event: BehaviourEvent): void {
  activity.eventCount += 1;
  const at = Date.parse(event.timestamp);
  const iso = new Date(at).toISOString();
  if (activity.firstEventAt === '' || iso < activity.firstEventAt) activity.firstEventAt = iso;
  if (activity.lastEventAt === '' || iso > activity.lastEventAt) activity.lastEventAt = iso;
  if (isActiveEvent(event)) {
    const quarter = Math.floor((at - Date.parse(`${activity.day}T00:00:00Z`)) / QUARTER_HOUR_MS);
    if (quarter >= 0 && quarter < MS_PER_DAY / QUARTER_HOUR_MS)
      activity.activeQuarterHours = withQuarterHour(activity.activeQuarterHours ?? NO_QUARTER_HOURS, quarter);
  }
  switch (event.type) {
    case 'session':
      activity.sessions += 1;
      break;
    case 'feature_use':
      activity.featureUses[event.feature] = (activity.featureUses[event.feature] ?? 0) + 1;
      break;
    case 'search':
      activity.searches += 1;
      break;
    case 'purchase':
      activity.purchases += 1;
      activity.purchaseAmount = roundCents(activity.purchaseAmount + event.amount);
      break;
    case 'refund':
      activity.refunds += 1;
      activity.refundAmount = roundCents(activity.refundAmount + event.amount);
      break;
    case 'checkin':
      activity.checkins += 1;
      break;
    case 'referral_signup':
      activity.referralSignups += 1;
      break;
    case 'message_open':
      activity.messageOpens += 1;
      break;
    case 'message_click':
      activity.messageClicks += 1;
      break;
    case 'unsubscribe':
      activity.unsubscribes += 1;
      break;
    case 'feedback':
      // Feedback is read from the raw events by the weekly report; the aggregate only counts it.
      break;
    default:
      assertNever(event);
  }
}

export { daysBetween, utcDayOf } from '../common';

const roundCents = (value: number) => Math.round(value * 100) / 100;

/**
 * Aggregates the events of one user on one UTC day. Events with the same eventId count once
 * (the raw store may hold a re-sent event under a second key if its timestamp changed).
 */
export function aggregateDay(userId: string, day: string, events: readonly BehaviourEvent[]): DailyActivity {
  const seen = new Set<string>();
  const activity = emptyDay(userId, day);
  for (const event of events) {
    if (event.userId !== userId || utcDayOf(event.timestamp) !== day || seen.has(event.eventId)) continue;
    seen.add(event.eventId);
    addEvent(activity, event);
  }
  return activity;
}

/** Which (user, day) aggregates a set of events touches. */
export function touchedUserDays(events: readonly Pick<BehaviourEvent, 'userId' | 'timestamp'>[]): Array<{ userId: string; day: string }> {
  const keys = new Map<string, { userId: string; day: string }>();
  for (const event of events) {
    const day = utcDayOf(event.timestamp);
    keys.set(`${event.userId}\u0000${day}`, { userId: event.userId, day });
  }
  return [...keys.values()];
}

/** Activity that counts as the user being present (not just a message being opened). */
export function isActiveDay(activity: DailyActivity): boolean {
  return activity.sessions + activity.searches + activity.purchases + activity.checkins + Object.keys(activity.featureUses).length > 0;
}

/** The activity summary shown with a profile: computed from daily aggregates, never raw events. */
export interface ActivitySummary {
  lastSeenAt: string | null;
  lastPurchaseAt: string | null;
  daysSinceLastSeen: number | null;
  activeDaysLast7: number;
  activeDaysLast30: number;
  sessionsLast30: number;
  purchasesTotal: number;
  purchaseAmountTotal: number;
  refundAmountTotal: number;
  featureUsesLast30: Record<string, number>;
  daysWithData: number;
}

export function summarizeActivity(days: readonly DailyActivity[], now: Date): ActivitySummary {
  const today = utcDayOf(now);
  const summary: ActivitySummary = {
    lastSeenAt: null,
    lastPurchaseAt: null,
    daysSinceLastSeen: null,
    activeDaysLast7: 0,
    activeDaysLast30: 0,
    sessionsLast30: 0,
    purchasesTotal: 0,
    purchaseAmountTotal: 0,
    refundAmountTotal: 0,
    featureUsesLast30: {},
    daysWithData: days.length,
  };
  for (const activity of days) {
    const age = daysBetween(activity.day, today);
    if (isActiveDay(activity) && (summary.lastSeenAt === null || activity.lastEventAt > summary.lastSeenAt)) summary.lastSeenAt = activity.lastEventAt;
    if (activity.purchases > 0 && (summary.lastPurchaseAt === null || activity.lastEventAt > summary.lastPurchaseAt))
      summary.lastPurchaseAt = activity.lastEventAt;
    summary.purchasesTotal += activity.purchases;
    summary.purchaseAmountTotal = roundCents(summary.purchaseAmountTotal + activity.purchaseAmount);
    summary.refundAmountTotal = roundCents(summary.refundAmountTotal + activity.refundAmount);
    if (age < 30 && isActiveDay(activity)) {
      summary.activeDaysLast30 += 1;
      if (age < 7) summary.activeDaysLast7 += 1;
    }
    if (age < 30) {
      summary.sessionsLast30 += activity.sessions;
      for (const [feature, count] of Object.entries(activity.featureUses)) {
        summary.featureUsesLast30[feature] = (summary.featureUsesLast30[feature] ?? 0) + count;
      }
    }
  }
  if (summary.lastSeenAt) summary.daysSinceLastSeen = daysBetween(utcDayOf(summary.lastSeenAt), today);
  return summary;
}
