import type { Locale } from '../domain/messaging/channel';
import { isKnownTimeZone, localDateTimeAt } from '../domain/messaging/local-time';

/**
 * Words the features put into template variables. They live with the templates because they are
 * copy: a translator edits them next to the sentences they complete.
 */

/** What `{{firstName}}` says when the profile holds no first name (`attributes.firstName`). */
const UNKNOWN_NAME: Record<Locale, string> = { en: 'friend', 'zh-CN': '朋友' };

/** The user's first name when the profile has one, else a neutral form of address. */
export function firstNameFor(locale: Locale, firstName: string | undefined): string {
  const trimmed = firstName?.trim();
  return trimmed ? trimmed : UNKNOWN_NAME[locale];
}

/** `{{couponValue}}`: a percent-off reads `10%`, an amount-off the amount in the program's currency. */
export function couponValueText(discount: { kind: 'percent'; value: number } | { kind: 'amount'; value: number }): string {
  return discount.kind === 'percent' ? `${discount.value}%` : String(discount.value);
}

/** `{{couponExpiresOn}}` for a coupon that does not expire (loyalty coupons carry no end date). */
const NO_EXPIRY: Record<Locale, string> = { en: 'further notice', 'zh-CN': '另行通知' };

/** `{{couponExpiresOn}}`: the user's local date (YYYY-MM-DD) of the end, or "further notice". */
export function couponExpiryText(locale: Locale, endsAt: Date | undefined, timeZone: string): string {
  if (endsAt === undefined) return NO_EXPIRY[locale];
  const local = localDateTimeAt(endsAt, isKnownTimeZone(timeZone) ? timeZone : 'UTC');
  return `${local.year}-${String(local.month).padStart(2, '0')}-${String(local.day).padStart(2, '0')}`;
}

/** A user's activity over the last `windowDays` days, from the daily aggregates. */
export interface ActivityTotals {
  windowDays: number;
  activeDays: number;
  sessions: number;
  purchases: number;
}

/** `{{activitySummary}}` of the R2 report: the user's own numbers, or a neutral line without any. */
export function activitySummaryText(locale: Locale, totals: ActivityTotals): string {
  const { windowDays, activeDays, sessions, purchases } = totals;
  if (locale === 'zh-CN') {
    if (activeDays === 0) return `最近${windowDays}天你还没有来过，我们为你留着上次的内容。`;
    return `最近${windowDays}天你活跃了${activeDays}天，访问${sessions}次，下单${purchases}笔。`;
  }
  if (activeDays === 0) return `you have not been by in the last ${windowDays} days; everything is where you left it.`;
  const plural = (count: number, one: string, many: string) => `${count} ${count === 1 ? one : many}`;
  return `${plural(sessions, 'visit', 'visits')} on ${plural(activeDays, 'day', 'days')} and ${plural(purchases, 'order', 'orders')} in the last ${windowDays} days.`;
}
