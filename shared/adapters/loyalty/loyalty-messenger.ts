import { createHash } from 'node:crypto';
import { localDayOf, type LoyaltyMessage, type LoyaltyMessenger, type LoyaltyProfiles, type RecordedMessage, type ReminderOutcome } from '../../domain/loyalty';
import { assertNever, type Channel, type MessageLogEntry, type Priority, type SendOutcome, type TemplateData } from '../../domain/messaging';
import type { UserProfile } from '../../domain/profiles/user-profile';
import { couponExpiryText, couponValueText, firstNameFor } from '../../templates';
import type { Messenger } from '../../domain/messaging';

/** The one send path (`composeMessaging().messenger`), as loyalty uses it. */
export type MessengerPort = Pick<Messenger, 'send'>;

/** Reads the message log (the messaging feature's `DynamoMessageLog`). */
export interface MessageLogReader {
  listForUser(userId: string, limit: number): Promise<MessageLogEntry[]>;
}

interface MessagePlan {
  templateId: string;
  /** A reminder is marketing; a summary the user worked for and a coupon they earned are not. */
  priority: Priority;
  /** Channels in order of preference; the first the user can be reached on is used. */
  channels: readonly Channel[];
}

const PLANS: Record<LoyaltyMessage['kind'], MessagePlan> = {
  'checkin-reminder': { templateId: 'checkin-reminder', priority: 'non-core', channels: ['push', 'email'] },
  'program-summary': { templateId: 'checkin-summary', priority: 'core', channels: ['email', 'push'] },
  'coupon-issued': { templateId: 'coupon-issued', priority: 'core', channels: ['email', 'push'] },
  // Its priority is configuration (GrowthConfig.levelUpMessage): the message carries it.
  'level-up': { templateId: 'level-up', priority: 'non-core', channels: ['push', 'email'] },
  // A nudge to spend: marketing, rationed by the contact policy like a reminder.
  'points-expiring': { templateId: 'points-expiring', priority: 'non-core', channels: ['push', 'email'] },
};

const CONTACT_POINT: Record<Channel, (profile: UserProfile) => string | undefined> = {
  email: (profile) => profile.email,
  sms: (profile) => profile.phone,
  push: (profile) => profile.pushToken,
};

/**
 * The preferred channel the user has an address and consent on, else the first with an address,
 * else the first preferred one (the send path then logs why nothing went out). Consent itself is
 * still the send path's decision.
 */
export function channelFor(profile: UserProfile | null, preferred: readonly Channel[]): Channel {
  const reachable = preferred.filter((channel) => profile !== null && CONTACT_POINT[channel](profile) !== undefined);
  const consented = reachable.find((channel) => profile?.consents[channel] === true);
  return consented ?? reachable[0] ?? preferred[0] ?? 'email';
}

/** A short, stable code to quote for a coupon (the coupon itself lives in the user's account). */
export function couponCodeOf(couponId: string): string {
  return `RK-${createHash('sha256').update(couponId).digest('hex').slice(0, 8).toUpperCase()}`;
}

/** The template data of a loyalty message, in the user's locale. */
export function loyaltyTemplateData(message: LoyaltyMessage, profile: UserProfile | null, appUrl: string): TemplateData {
  const locale = profile?.locale ?? 'en';
  const rawName = profile?.attributes.firstName;
  const firstName = firstNameFor(locale, typeof rawName === 'string' ? rawName : undefined);
  const checkinUrl = `${appUrl}/checkin`;
  switch (message.kind) {
    case 'checkin-reminder':
      return { firstName, currentStreak: message.streak, daysLeft: message.daysLeft, checkinUrl };
    case 'program-summary':
      return { firstName, daysCompleted: message.summary.checkIns, pointsEarned: message.summary.pointsEarned, checkinUrl };
    case 'coupon-issued': {
      const { discount } = message.coupon;
      return {
        firstName,
        couponValue: couponValueText(
          discount.kind === 'percent-off' ? { kind: 'percent', value: discount.percent } : { kind: 'amount', value: discount.amount },
        ),
        couponCode: couponCodeOf(message.coupon.id),
        // Loyalty coupons carry no end date.
        couponExpiresOn: couponExpiryText(locale, undefined, profile?.timeZone ?? 'UTC'),
        appUrl,
      };
    }
    case 'level-up':
      return {
        firstName,
        levelName: message.level.names?.[locale] ?? message.level.name,
        perks: message.level.perks.join(locale === 'zh-CN' ? '、' : ', ') || '—',
        appUrl,
      };
    case 'points-expiring':
      return {
        firstName,
        pointsExpiring: message.amount,
        expiresOn: localDayOf(new Date(message.expiresAt), profile?.timeZone ?? 'UTC'),
        appUrl,
      };
    default:
      return assertNever(message);
  }
}

/**
 * Loyalty messages through the one send path (`composeMessaging().messenger`): consent, suppression, quiet
 * hours, budget and kill switch apply as the contact policy says for the message's priority. A
 * reminder in quiet hours is dropped, not deferred: it is about today's check-in.
 */
export class MessengerLoyaltyMessenger implements LoyaltyMessenger {
  constructor(
    private readonly messenger: MessengerPort,
    private readonly profiles: LoyaltyProfiles,
    private readonly messageLog: MessageLogReader,
    private readonly appUrl: string,
  ) {}

  async send(message: LoyaltyMessage): Promise<ReminderOutcome> {
    const plan = message.kind === 'checkin-reminder' ? { ...PLANS[message.kind], templateId: message.templateId } : PLANS[message.kind];
    const profile = await this.profiles.getProfile(message.userId);
    const outcome = await this.messenger.send({
      userId: message.userId,
      channel: channelFor(profile, plan.channels),
      templateId: plan.templateId,
      data: loyaltyTemplateData(message, profile, this.appUrl),
      priority: message.kind === 'level-up' ? message.priority : plan.priority,
      idempotencyKey: message.messageId,
      onQuietHours: 'drop',
      source: { kind: 'loyalty', programId: message.programId },
    });
    switch (outcome.kind) {
      case 'sent':
        return { kind: 'sent' };
      case 'skipped':
        return outcome.reason === 'duplicate' ? { kind: 'already-sent' } : { kind: 'skipped', reason: outcome.reason };
      case 'deferred':
        // Not asked for (onQuietHours 'drop'); nothing would come back for it, so it did not go.
        return { kind: 'skipped', reason: `deferred until ${outcome.until}` };
      case 'failed-retryable':
        return { kind: 'failed', retryable: true, reason: outcome.code };
      case 'failed-permanent':
        return { kind: 'failed', retryable: false, reason: outcome.code };
      default:
        return assertNever(outcome);
    }
  }

  /**
   * The user's loyalty messages from the message log, oldest first. Calls that met an earlier
   * attempt of the same message (duplicate, in flight) are left out: the message is listed once.
   */
  async messagesOf(userId: string): Promise<RecordedMessage[]> {
    const entries = await this.messageLog.listForUser(userId, 200);
    const isRetryEcho = (outcome: SendOutcome) =>
      (outcome.kind === 'skipped' && outcome.reason === 'duplicate') || (outcome.kind === 'failed-retryable' && outcome.code === 'in-flight');
    return entries
      .flatMap((entry): RecordedMessage[] =>
        entry.source.kind === 'loyalty' && !isRetryEcho(entry.outcome)
          ? [
              {
                messageId: entry.messageId,
                templateId: entry.templateId,
                channel: entry.channel,
                outcome: entry.outcome.kind,
                ...('reason' in entry.outcome ? { reason: entry.outcome.reason } : 'code' in entry.outcome ? { reason: entry.outcome.code } : {}),
                at: entry.recordedAt,
                programId: entry.source.programId,
              },
            ]
          : [],
      )
      .reverse();
  }
}
