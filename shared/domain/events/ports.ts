import type { BehaviourEvent } from './behaviour-event';
import type { DailyActivity } from './daily-activity';
import type { MonthActivity } from './month-activity';

/**
 * Raw events, kept for audit and replay, one per (user, event id): the event id alone, within its
 * user, decides whether an event is new. Only an id's first write reaches the stream consumers
 * (an INSERT); a later write of the same id is never applied, and if it changed the stored item
 * (a MODIFY) the aggregator puts the first content back, so the item keeps the first content.
 */
export interface RawEventStore {
  /** Stores every event durably, new or not, without reading first; resolves only once all are written. */
  putAll(events: readonly BehaviourEvent[]): Promise<void>;
}

export interface DailyActivityStore {
  /** The user's daily aggregates from `fromDay` (inclusive) on, oldest first. */
  listForUser(userId: string, fromDay?: string): Promise<DailyActivity[]>;
}

/** Month items of daily aggregates, as the aggregator merges into them. */
export interface MonthActivityStore {
  /** The stored months among these keys (strongly consistent: the previous batch's writes show). */
  getMonths(keys: ReadonlyArray<{ userId: string; month: string }>): Promise<MonthActivity[]>;
  /**
   * Writes months merged from what `getMonths` read, unconditionally: the stream hands each user's
   * records to one batch at a time, in order, so no other merge races this one, and the seeder
   * writes a user's months before the raw events whose records could bring the aggregator to them
   * (see `seedPopulation`).
   */
  putMonths(months: readonly MonthActivity[]): Promise<void>;
}
