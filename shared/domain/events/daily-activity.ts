import type { BehaviourEvent } from './behaviour-event';
import { assertNever, daysBetween, utcDayOf } from '../common';

/**
 * What one user did on one UTC day. Nightly work reads these, never raw events. Computed from the
 * day's raw events as a pure function, so re-aggregating after a duplicate or a retry gives the
 * same item: exactly-once application without counters.
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
}

export { daysBetween, utcDayOf } from '../common';

const roundCents = (value: number) => Math.round(value * 100) / 100;

/**
 * Aggregates the events of one user on one UTC day. Events with the same eventId count once
 * (the raw store may hold a re-sent event under a second key if its timestamp changed).
 */
export function aggregateDay(userId: string, day: string, events: readonly BehaviourEvent[]): DailyActivity {
  const seen = new Set<string>();
  const activity: DailyActivity = {
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
  };
  let first = Infinity;
  let last = -Infinity;
  for (const event of events) {
    if (event.userId !== userId || utcDayOf(event.timestamp) !== day || seen.has(event.eventId)) continue;
    seen.add(event.eventId);
    activity.eventCount += 1;
    const at = Date.parse(event.timestamp);
    first = Math.min(first, at);
    last = Math.max(last, at);
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
      default:
        assertNever(event);
    }
  }
  if (activity.eventCount > 0) {
    activity.firstEventAt = new Date(first).toISOString();
    activity.lastEventAt = new Date(last).toISOString();
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
    if (activity.purchases > 0 && (summary.lastPurchaseAt === null || activity.lastEventAt > summary.lastPurchaseAt)) summary.lastPurchaseAt = activity.lastEventAt;
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
