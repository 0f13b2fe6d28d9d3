import { addDays, utcDayOf, type Clock } from '../../domain/common';
import {
  ACTIVITY_REPORT_DAYS,
  activityTotals,
  journeyTemplateData,
  type ActivityReader,
  type ChannelSend,
  type JourneyRecipient,
  type JourneySender,
  type JourneyStepSend,
} from '../../domain/journeys';
import type { ProfileStore } from '../../domain/profiles/ports';
import { templateDeclares, type ActivityTotals } from '../../templates';
import type { Messenger } from '../../domain/messaging';

/** The one send path (`composeMessaging().messenger`), as the journey sender uses it. */
export type MessengerPort = Pick<Messenger, 'send'>;

/**
 * The journey sender over the one send path (`composeMessaging().messenger`): every message is non-core
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
      activity: ActivityReader;
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
      const fromDay = addDays(utcDayOf(this.ports.clock.now()), -ACTIVITY_REPORT_DAYS);
      activity = activityTotals(await this.ports.activity.activitySince(userId, fromDay), ACTIVITY_REPORT_DAYS);
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
