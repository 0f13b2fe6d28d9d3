import type { BehaviourEvent } from './behaviour-event';
import type { DailyActivity } from './daily-activity';

/** Raw events, kept for audit and replay. Writing an event again is harmless (same key). */
export interface RawEventStore {
  /** Which of these events are stored already, by eventId. */
  findStored(events: readonly BehaviourEvent[]): Promise<Set<string>>;
  /** Stores every event durably; resolves only once all are written. */
  putAll(events: readonly BehaviourEvent[]): Promise<void>;
  /** The raw events of one user on one UTC day. */
  eventsOfUserDay(userId: string, day: string): Promise<BehaviourEvent[]>;
}

export interface DailyActivityStore {
  putAll(activities: readonly DailyActivity[]): Promise<void>;
  /** The user's daily aggregates from `fromDay` (inclusive) on, oldest first. */
  listForUser(userId: string, fromDay?: string): Promise<DailyActivity[]>;
}
