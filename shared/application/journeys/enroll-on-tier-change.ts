import { automaticJourneyFor, type TierChangedDetail } from '../../domain/journeys';
import { enrollUser, runningDefinitions, type JourneyEnrollment, type StandingEnrollPorts } from './enroll-members';

/**
 * Automatic recall: enrolls the user in the running, automatic journey of the new tier, if there is
 * one. The enrollment time is the event's, so a redelivered event enrolls the same way once; a
 * user already in that journey keeps their enrollment (`alreadyEnrolled`).
 */
export async function enrollOnTierChange(change: TierChangedDetail, eventTime: string, ports: StandingEnrollPorts): Promise<JourneyEnrollment | undefined> {
  const target = automaticJourneyFor({ userId: change.userId, fromTier: change.from, toTier: change.to }, await runningDefinitions(ports.journeys));
  if (!target || change.to === null) return undefined;
  return enrollUser(target, change.userId, change.to, new Date(eventTime), ports);
}
