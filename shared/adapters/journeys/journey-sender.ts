import { MS_PER_DAY, type Clock } from '../../domain/common';
import type { DailyActivity } from '../../domain/events/daily-activity';
import type { JourneyChannel, PlanSendStep } from '../../domain/journeys';
import type { Locale, SendOutcome, SendRequest, TemplateData } from '../../domain/messaging';
import type { ProfileStore } from '../../domain/profiles/ports';
import { activitySummaryText, couponExpiryText, couponValueText, firstNameFor, templateDeclares, type ActivityTotals } from '../../templates';

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

/** The one send path as the journey sender uses it: `createMessenger()`. */
export interface MessengerPort {
  send(request: SendRequest): Promise<SendOutcome>;
}

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

/**
 * The journey sender over the one send path (`createMessenger()`): every message is non-core
 * marketing, keyed `<execution name>:<step>:<channel>` so a retried or relaunched step sends only
 * what was not sent, one touch `<execution name>:<step>` per step so the contact budget counts a
 * step on several channels once, deferred (not dropped) in quiet hours, and logged with the journey, execution
 * and step as its source. Reads the profile once per step for the first name, locale and zone,
 * and the user's aggregates only when the template reports activity.
 */
export class MessengerJourneySender implements JourneySender {
  constructor(
    private readonly messenger: MessengerPort,
    private readonly ports: {
      clock: Clock;
      profiles: Pick<ProfileStore, 'getProfile'>;
      activitySince(userId: string, fromDay: string): Promise<DailyActivity[]>;
    },
    private readonly appUrl: string,
  ) {}

  async sendStep(send: JourneyStepSend): Promise<ChannelSend[]> {
    const { userId, journeyId, executionName, step } = send;
    const profile = await this.ports.profiles.getProfile(userId);
    const firstName = profile?.attributes.firstName;
    const recipient: JourneyRecipient = {
      firstName: typeof firstName === 'string' ? firstName : undefined,
      locale: profile?.locale ?? 'en',
      timeZone: profile?.timeZone ?? 'UTC',
    };
    let activity: ActivityTotals | undefined;
    if (templateDeclares(step.templateId, 'activitySummary')) {
      const fromDay = new Date(this.ports.clock.now().getTime() - ACTIVITY_REPORT_DAYS * MS_PER_DAY).toISOString().slice(0, 10);
      activity = activityTotals(await this.ports.activitySince(userId, fromDay), ACTIVITY_REPORT_DAYS);
    }
    const data = journeyTemplateData({ journeyId, step, endsAt: send.endsAt, recipient, activity, appUrl: this.appUrl });
    const sends: ChannelSend[] = [];
    for (const channel of step.channels) {
      const outcome = await this.messenger.send({
        userId,
        channel,
        templateId: step.templateId,
        data,
        priority: 'non-core',
        idempotencyKey: `${executionName}:${step.index}:${channel}`,
        // The step's channels go out together: one touch for the user, counted once by the budget.
        touchId: `${executionName}:${step.index}`,
        onQuietHours: 'defer',
        source: { kind: 'journey', journeyId, executionName, step: String(step.index) },
      });
      sends.push({ channel, outcome });
    }
    return sends;
  }
}
