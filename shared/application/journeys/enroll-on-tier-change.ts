import { automaticJourneyFor, isInHoldout, type JourneyDefinition, type JourneyMember, type TierChangedDetail } from '../../domain/journeys';
import { experimentAssignment } from '../../domain/experiments';
import { enrollMembers, runningDefinitions, type JourneyEnrollment, type StandingEnrollPorts } from './enroll-members';

/** One delivered TierChanged event: what changed and when the event was emitted (its enrollment time). */
export interface DeliveredTierChange {
  change: TierChangedDetail;
  eventTime: string;
}

/**
 * What automatic recall did with one event of a batch: no journey to enroll in, an enrollment (as
 * stored: a redelivery answers the first one), or a failure of the write of its journey's group,
 * which the caller hands back to be delivered again (the others are done and stay done).
 */
export type TierChangeEnrollment = { kind: 'no-journey' } | { kind: 'enrolled'; enrollment: JourneyEnrollment } | { kind: 'failed'; error: unknown };

/**
 * Automatic recall for a batch of events: the running journeys are read once, the events are
 * grouped by the journey they enroll in, and each group is enrolled by one call (group
 * transactions, each member only if absent), its treated members queued for the starter in one
 * go. The same guarantees as one event at a time: the enrollment time is each event's own, so a
 * redelivered event (in this batch or a later one) is the same enrollment and enrolls once; the
 * holdout is recorded and never queued.
 */
export async function enrollOnTierChanges(deliveries: readonly DeliveredTierChange[], ports: StandingEnrollPorts): Promise<TierChangeEnrollment[]> {
  const definitions = await runningDefinitions(ports.journeys);
  const outcomes: TierChangeEnrollment[] = deliveries.map(() => ({ kind: 'no-journey' }));
  const groups = new Map<string, { target: JourneyDefinition; members: JourneyMember[]; positions: number[] }>();
  deliveries.forEach(({ change, eventTime }, position) => {
    const target = automaticJourneyFor({ userId: change.userId, fromTier: change.from, toTier: change.to }, definitions);
    if (!target || change.to === null) return;
    const holdout = isInHoldout(target.id, change.userId, target.holdoutShare);
    let group = groups.get(target.id);
    if (!group) groups.set(target.id, (group = { target, members: [], positions: [] }));
    group.members.push({
      userId: change.userId,
      tier: change.to,
      holdout,
      enrolledAt: new Date(eventTime).toISOString(),
      ...experimentAssignment(target, change.userId, holdout),
    });
    group.positions.push(position);
  });
  await Promise.all(
    [...groups.values()].map(async ({ target, members, positions }) => {
      try {
        const written = await enrollMembers(target.id, members, ports);
        written.forEach((outcome, i) => {
          outcomes[positions[i]!] = {
            kind: 'enrolled',
            enrollment: {
              journeyId: target.id,
              holdout: outcome.member.holdout,
              alreadyEnrolled: outcome.kind === 'already-enrolled',
              enrolledAt: outcome.member.enrolledAt,
            },
          };
        });
      } catch (error) {
        for (const position of positions) outcomes[position] = { kind: 'failed', error };
      }
    }),
  );
  return outcomes;
}
