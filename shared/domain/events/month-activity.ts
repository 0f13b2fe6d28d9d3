import { utcDayOf } from '../common';
import type { BehaviourEvent } from './behaviour-event';
import { addEvent, emptyDay, type DailyActivity } from './daily-activity';

/**
 * One user's daily aggregates of one UTC month, as the aggregator reads and writes them, with the
 * stream position applied so far. Raw events of one user share a partition key, so their stream
 * records come in one order and each user's records are handled by one batch at a time: a record
 * at or before `appliedThrough` has been added already and is skipped, which makes a redelivered
 * batch (after a timeout or a partial failure) change nothing.
 */
export interface MonthActivity {
  userId: string;
  /** YYYY-MM. */
  month: string;
  /** By UTC day (YYYY-MM-DD). */
  days: Map<string, DailyActivity>;
  /** Stream sequence number of the last record added, or null if none has been. */
  appliedThrough: string | null;
  /**
   * Seeded history: events up to this instant are in the days already (the seeder also stores
   * the recent ones raw, and their stream records must not add them again).
   */
  seededThrough: string | null;
}

/** A new raw event as its stream record delivers it: first written, so added exactly once. */
export interface NewEventRecord {
  /** The record's stream sequence number (decimal digits). */
  sequence: string;
  event: BehaviourEvent;
}

/** Compares stream sequence numbers, decimal strings of any length. */
export function compareSequence(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

/** The month a record's event belongs to, as a key of one user's month. */
export function monthKeyOf(event: Pick<BehaviourEvent, 'userId' | 'timestamp'>): { userId: string; month: string } {
  return { userId: event.userId, month: utcDayOf(event.timestamp).slice(0, 7) };
}

export function emptyMonth(userId: string, month: string): MonthActivity {
  return { userId, month, days: new Map(), appliedThrough: null, seededThrough: null };
}

/**
 * Adds the records not applied yet to a copy of `month` (records of that user and month, any
 * order). Reads no raw events: the cost is one month item per user and batch, however busy the day.
 */
export function mergeNewEvents(month: MonthActivity, records: readonly NewEventRecord[]): { month: MonthActivity; applied: number } {
  const fresh = records
    .filter((record) => month.appliedThrough === null || compareSequence(record.sequence, month.appliedThrough) > 0)
    .filter((record) => month.seededThrough === null || new Date(record.event.timestamp).toISOString() > month.seededThrough)
    .sort((a, b) => compareSequence(a.sequence, b.sequence));
  if (fresh.length === 0) return { month, applied: 0 };
  const days = new Map([...month.days].map(([day, activity]) => [day, { ...activity, featureUses: { ...activity.featureUses } }]));
  for (const { event } of fresh) {
    const day = utcDayOf(event.timestamp);
    let activity = days.get(day);
    if (!activity) {
      activity = emptyDay(month.userId, day);
      days.set(day, activity);
    }
    addEvent(activity, event);
  }
  return { month: { ...month, days, appliedThrough: fresh.at(-1)!.sequence }, applied: fresh.length };
}
