/**
 * From what the nightly scan reads of a user (profile, daily aggregates) to the model's
 * UserFeatures, relative to the run date. Pure: the same items and date give the same features.
 */
import { daysBetween, isActiveDay, type DailyActivity } from '../events/daily-activity';
import { periodOf, type PurchaseSummary, type TimeUnit, type UserFeatures } from '../models';

/** What the scan found for one user. Days may come in any order. */
export interface ScannedUser {
  userId: string;
  /** When the profile was created (ISO), if there is a profile. */
  createdAt: string | null;
  days: readonly DailyActivity[];
}

export interface FeatureOptions {
  /** The run's as-of day (YYYY-MM-DD, UTC): aggregates after it are ignored. */
  runDate: string;
  /** Features that count as core usage. */
  coreFeatures: ReadonlySet<string>;
  /** The models' time unit for the purchase summary. */
  timeUnit: TimeUnit;
}

const RECENT_DAYS = 7;
const PRIOR_DAYS = 28;
const MESSAGE_DAYS = 30;

/**
 * The features of one user. Windows are counted back from the run date, the run date included:
 * "last 7 days" are ages 0–6, "the 28 before" ages 7–34. A user never active counts silent since
 * the profile was created (0 when unknown). Purchases are summarised as BG/NBD wants them, in
 * `timeUnit` periods (purchases in one period merged), T up to the run date.
 * Messages received are not in the aggregates (the contact log has them), so that signal is left
 * out (0 received) until the contact history is joined in.
 */
export function featuresOf(user: ScannedUser, options: FeatureOptions): UserFeatures {
  const { runDate, coreFeatures } = options;
  let lastActive: string | null = null;
  let lastPurchase: string | null = null;
  let sessionsRecent = 0;
  let sessionsPrior = 0;
  let sessionsLast28 = 0;
  let coreUses28 = 0;
  let usesRecent = 0;
  let usesPrior = 0;
  let opens = 0;
  let clicks = 0;
  const periodSpend = new Map<number, number>();
  let totalSpend = 0;

  for (const day of user.days) {
    if (day.day > runDate) continue;
    const age = daysBetween(day.day, runDate);
    if (isActiveDay(day) && (lastActive === null || day.day > lastActive)) lastActive = day.day;
    let uses = 0;
    let core = 0;
    for (const feature in day.featureUses) {
      const count = day.featureUses[feature] ?? 0;
      uses += count;
      if (coreFeatures.has(feature)) core += count;
    }
    if (age < RECENT_DAYS) {
      sessionsRecent += day.sessions;
      usesRecent += uses;
    } else if (age < RECENT_DAYS + PRIOR_DAYS) {
      sessionsPrior += day.sessions;
      usesPrior += uses;
    }
    if (age < PRIOR_DAYS) {
      sessionsLast28 += day.sessions;
      coreUses28 += core;
    }
    if (age < MESSAGE_DAYS) {
      opens += day.messageOpens;
      clicks += day.messageClicks;
    }
    if (day.purchases > 0) {
      if (lastPurchase === null || day.day > lastPurchase) lastPurchase = day.day;
      const period = periodOf(Date.parse(`${day.day}T00:00:00Z`), options.timeUnit);
      periodSpend.set(period, (periodSpend.get(period) ?? 0) + day.purchaseAmount);
      totalSpend += day.purchaseAmount;
    }
  }

  const silentSince = lastActive ?? (user.createdAt ? user.createdAt.slice(0, 10) : runDate);
  return {
    userId: user.userId,
    daysSinceLastActivity: Math.max(0, daysBetween(silentSince, runDate)),
    daysSinceLastPurchase: lastPurchase === null ? null : daysBetween(lastPurchase, runDate),
    sessionsLast7Days: sessionsRecent,
    sessionsPrior28Days: sessionsPrior,
    coreFeatureUsesLast28Days: coreUses28,
    sessionsLast28Days: sessionsLast28,
    featureUsesPerSessionRecent: sessionsRecent > 0 ? usesRecent / sessionsRecent : 0,
    featureUsesPerSessionBefore: sessionsPrior > 0 ? usesPrior / sessionsPrior : 0,
    messagesReceived30Days: 0,
    messageOpens30Days: opens,
    messageClicks30Days: clicks,
    purchases: purchaseSummary(periodSpend, totalSpend, periodOf(Date.parse(`${runDate}T00:00:00Z`), options.timeUnit)),
  };
}

function purchaseSummary(periodSpend: Map<number, number>, totalSpend: number, endPeriod: number): PurchaseSummary | null {
  if (periodSpend.size === 0) return null;
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for (const period of periodSpend.keys()) {
    if (period < first) first = period;
    if (period > last) last = period;
  }
  let repeatSpend = 0;
  for (const [period, amount] of periodSpend) if (period !== first) repeatSpend += amount;
  const frequency = periodSpend.size - 1;
  return {
    frequency,
    recency: last - first,
    T: endPeriod - first,
    monetaryValue: frequency > 0 ? Math.max(0, repeatSpend / frequency) : 0,
    totalSpend: Math.max(0, Math.round(totalSpend * 100) / 100),
  };
}
