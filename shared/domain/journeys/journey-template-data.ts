import type { Locale } from '../common';
import type { DailyActivity } from '../events/daily-activity';
import type { TemplateData } from '../messaging';
import { activitySummaryText, couponExpiryText, couponValueText, firstNameFor, type ActivityTotals } from '../../templates';
import type { PlanSendStep } from './journey-plan';

/** Who a message is addressed to, as far as the template data needs to know. */
export interface JourneyRecipient {
  firstName: string | undefined;
  locale: Locale;
  timeZone: string;
}

/** Days of the user's own activity an R2 report looks back on. */
export const ACTIVITY_REPORT_DAYS = 30;

/**
 * The template data of a journey step, built the same way for every channel: the user's first
 * name (or a neutral form of address), the app link, the step's coupon when it has one (code from
 * the journey and send number, valid until the journey ends) and, when given, the activity report.
 */
export function journeyTemplateData(input: {
  journeyId: string;
  step: PlanSendStep;
  endsAt: Date;
  recipient: JourneyRecipient;
  activity: ActivityTotals | undefined;
  appUrl: string;
}): TemplateData {
  const { step, recipient } = input;
  const data: TemplateData = { firstName: firstNameFor(recipient.locale, recipient.firstName), appUrl: input.appUrl };
  if (step.offer.kind === 'coupon') {
    data.couponValue = couponValueText({ kind: step.offer.unit === 'percent' ? 'percent' : 'amount', value: step.offer.value });
    data.couponCode = `${input.journeyId.toUpperCase()}-${step.sendNumber}`;
    data.couponExpiresOn = couponExpiryText(recipient.locale, input.endsAt, recipient.timeZone);
  }
  if (input.activity !== undefined) data.activitySummary = activitySummaryText(recipient.locale, input.activity);
  return data;
}

/** Sums the daily aggregates of the window. */
export function activityTotals(days: readonly DailyActivity[], windowDays: number): ActivityTotals {
  const active = days.filter((day) => day.eventCount > 0);
  return {
    windowDays,
    activeDays: active.length,
    sessions: active.reduce((sum, day) => sum + day.sessions, 0),
    purchases: active.reduce((sum, day) => sum + day.purchases, 0),
  };
}
