import { addDays, assertNever, utcDayOf } from '../common';
import type { DailyActivity } from '../events/daily-activity';
import type { ComebackSignal } from './journey-definition';
import type { JourneyMember } from './stored-journey';
import type { ChannelOutcome, UserJourneyRecords } from './journey-records';
import type { UserJourneyOutcome } from './journey-report';

/**
 * The aggregates of the days after an enrollment. Aggregates are per UTC day, so a day counts
 * when it is the enrollment day or later and its last event is after enrollment.
 */
function daysAfter(enrolledAt: Date, days: readonly DailyActivity[]): DailyActivity[] {
  const enrolledDay = utcDayOf(enrolledAt);
  return days.filter((day) => day.day >= enrolledDay && Date.parse(day.lastEventAt) > enrolledAt.getTime());
}

/** True when the user showed one of the exit signals after enrolling. */
export function cameBackAfter(enrolledAt: Date, signals: readonly ComebackSignal[], days: readonly DailyActivity[]): boolean {
  return daysAfter(enrolledAt, days).some((day) => signals.some((signal) => (signal === 'session' ? day.sessions > 0 : day.purchases > 0)));
}

/** How the report counts a channel outcome that is neither sent nor skipped: `failed:<code>` or `deferred:<reason>`. */
export function notSentReason(outcome: ChannelOutcome): string[] {
  switch (outcome.kind) {
    case 'sent':
    case 'skipped':
      return [];
    case 'deferred':
      return [`deferred:${outcome.reason ?? 'unknown'}`];
    case 'failed-retryable':
    case 'failed-permanent':
      return [`failed:${outcome.reason ?? 'unknown'}`];
    default:
      return assertNever(outcome.kind);
  }
}

/** What one member's records and aggregates say, in the shape the domain's report takes. */
export function outcomeOf(member: JourneyMember, records: UserJourneyRecords, days: readonly DailyActivity[]): UserJourneyOutcome {
  const enrolledDay = utcDayOf(member.enrolledAt);
  const after = daysAfter(new Date(member.enrolledAt), days);
  const comebackDays = after.filter((day) => day.sessions > 0 || day.purchases > 0).map((day) => day.day);
  const firstComeback = comebackDays[0];
  const channelOutcomes = records.steps.flatMap((step) => (step.kind === 'send' ? Object.values(step.channels) : []));
  const contacted = channelOutcomes.some((outcome) => outcome.kind === 'sent');
  return {
    userId: member.userId,
    tier: member.tier,
    holdout: member.holdout,
    contacted,
    skippedReasons: channelOutcomes.flatMap((outcome) => (outcome.kind === 'skipped' ? [outcome.reason ?? 'unknown'] : [])),
    notSentReasons: channelOutcomes.flatMap(notSentReason),
    // No delivery feedback is wired yet: an accepted send counts as delivered.
    delivered: contacted,
    opened: after.some((day) => day.messageOpens > 0),
    clicked: after.some((day) => day.messageClicks > 0),
    reactivatedWithin7d: firstComeback !== undefined && firstComeback <= addDays(enrolledDay, 7),
    reactivatedWithin30d: firstComeback !== undefined && firstComeback <= addDays(enrolledDay, 30),
    revenueAfterEnrollment: after.reduce((total, day) => total + day.purchaseAmount, 0),
    featuresUsedBefore: [...new Set(days.filter((day) => day.day < enrolledDay).flatMap((day) => Object.keys(day.featureUses)))],
    featuresUsedAfterReactivation:
      firstComeback === undefined ? [] : [...new Set(after.filter((day) => day.day >= firstComeback).flatMap((day) => Object.keys(day.featureUses)))],
  };
}

/** The first day of the history a report reads for a member: 30 days before enrollment, for spill-over. */
export function reportHistoryStart(member: JourneyMember): string {
  return addDays(utcDayOf(member.enrolledAt), -30);
}
