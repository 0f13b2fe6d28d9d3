import type { BehaviourEvent } from '../../../shared/domain/events/behaviour-event';
import { aggregateDay, touchedUserDays } from '../../../shared/domain/events/daily-activity';
import type { HealthUser } from '../../../shared/domain/health';

/** A user whose daily aggregates hold a session at each instant (and a feature use where given). */
export function userActiveAt(userId: string, instants: readonly string[], options: { features?: Record<string, string>; segment?: string } = {}): HealthUser {
  const events: BehaviourEvent[] = instants.map((timestamp, i) => ({ eventId: `${userId}-s${i}`, userId, type: 'session', timestamp }));
  for (const [timestamp, feature] of Object.entries(options.features ?? {}))
    events.push({ eventId: `${userId}-f${timestamp}`, userId, type: 'feature_use', feature, timestamp });
  const days = touchedUserDays(events).map(({ day }) => aggregateDay(userId, day, events));
  return { userId, days, segment: options.segment ?? null };
}
