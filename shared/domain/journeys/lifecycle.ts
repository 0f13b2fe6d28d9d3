/**
 * Lifecycle journeys (the brief's 23个关键节点触达体系, touches at the moments of a customer's life):
 * entry by a behaviour event, branches on a condition, exit on an event, and the re-entry policy
 * every journey has. Pure: the entry consumer, the step task and the stores apply these rules.
 */
import { z } from 'zod';
import { assertNever, MS_PER_DAY, utcDayOf } from '../common';
import type { DailyActivity } from '../events/daily-activity';
import type { RecallTier } from './journey-definition';

/** The behaviour events a lifecycle journey can enter or exit on, or branch on. */
export const LifecycleEventType = z.enum(['session', 'purchase', 'feature_use']);
export type LifecycleEventType = z.infer<typeof LifecycleEventType>;

/**
 * A behaviour event of one type, narrowed on its fields: `feature` for `feature_use`, `minAmount`
 * for `purchase` (amount at least that, in the event's own currency).
 */
export const EventMatch = z
  .object({
    type: LifecycleEventType,
    feature: z
      .string()
      .regex(/^[a-z0-9_-]{1,64}$/, 'feature must be lowercase letters, digits, _ or -')
      .optional(),
    minAmount: z.number().positive().optional(),
  })
  .superRefine((match, context) => {
    if (match.feature !== undefined && match.type !== 'feature_use')
      context.addIssue({ code: 'custom', path: ['feature'], message: 'only a feature_use has a feature' });
    if (match.minAmount !== undefined && match.type !== 'purchase')
      context.addIssue({ code: 'custom', path: ['minAmount'], message: 'only a purchase has an amount' });
  });
export type EventMatch = z.infer<typeof EventMatch>;

/**
 * How users come into a journey: an audience a marketer launches (the recall journeys), or a
 * behaviour event. `first`: only the user's first event of that type (of that feature), e.g. the
 * first `session` is the sign-up. `delayDays`: the first step comes that many days after the event.
 */
export const JourneyEntry = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('audience') }),
  z.object({
    kind: z.literal('event'),
    event: EventMatch,
    first: z.boolean().default(false),
    delayDays: z.number().int().min(0).max(60).default(0),
  }),
]);
export type JourneyEntry = z.infer<typeof JourneyEntry>;
export type EventEntry = Extract<JourneyEntry, { kind: 'event' }>;

/**
 * Whether a user who has been in the journey may enter it again: never (the recall journeys'
 * default), once `days` have passed since they left (`after-cooldown`, optionally at most
 * `maxEntries` entries in all), or at most `times` entries in all (`at-most`). Nobody enters while
 * still in the journey.
 */
export const ReentryPolicy = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('never') }),
  z.object({ kind: z.literal('after-cooldown'), days: z.number().int().min(1).max(365), maxEntries: z.number().int().min(2).max(100).optional() }),
  z.object({ kind: z.literal('at-most'), times: z.number().int().min(1).max(100) }),
]);
export type ReentryPolicy = z.infer<typeof ReentryPolicy>;

/** Score attributes a branch can test: strings compared for equality, numbers against a threshold. */
export const ScoreStringAttribute = z.enum(['tier', 'segment', 'quadrant']);
export const ScoreNumberAttribute = z.enum(['churnRisk', 'clv']);

/**
 * What a branch tests when it comes due: a score attribute (equal to a value, at least or below a
 * threshold), or whether an event happened since the user entered.
 */
export const BranchCondition = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('score-equals'), attribute: ScoreStringAttribute, value: z.string().min(1) }),
  z.object({ kind: z.literal('score-at-least'), attribute: ScoreNumberAttribute, value: z.number() }),
  z.object({ kind: z.literal('score-below'), attribute: ScoreNumberAttribute, value: z.number() }),
  z.object({ kind: z.literal('event-since-entry'), event: EventMatch }),
]);
export type BranchCondition = z.infer<typeof BranchCondition>;

/** A user's score as a branch reads it (tier null: not slipping). */
export interface BranchScore {
  tier: RecallTier | null;
  segment: string;
  quadrant: string;
  churnRisk: number;
  clv: number;
}

/** A behaviour event as far as the lifecycle rules look at it. */
export interface LifecycleEvent {
  eventId: string;
  userId: string;
  type: string;
  timestamp: string;
  feature?: string;
  amount?: number;
}

/** True when the event is of the match's type and passes its field filters. */
export function eventMatches(match: EventMatch, event: LifecycleEvent): boolean {
  if (event.type !== match.type) return false;
  if (match.feature !== undefined && event.feature !== match.feature) return false;
  if (match.minAmount !== undefined && (event.amount === undefined || event.amount < match.minAmount)) return false;
  return true;
}

/**
 * The key under which a user's first event of a kind is claimed: per type, and per feature for
 * `feature_use` (the first use of each feature is its own moment).
 */
export function firstEventKind(match: EventMatch, event: LifecycleEvent): string {
  return match.type === 'feature_use' ? `feature_use#${event.feature ?? ''}` : match.type;
}

/**
 * True when the aggregates show an event of this kind before the event's own UTC day: the user's
 * history from before lifecycle entry existed (or from the seeded population) is not a "first".
 */
export function hadEarlierDay(kind: string, event: LifecycleEvent, days: readonly DailyActivity[]): boolean {
  const eventDay = utcDayOf(new Date(event.timestamp));
  return days.some((day) => day.day < eventDay && countOfKind(kind, day) > 0);
}

function countOfKind(kind: string, day: DailyActivity): number {
  if (kind === 'session') return day.sessions;
  if (kind === 'purchase') return day.purchases;
  if (kind.startsWith('feature_use#')) return day.featureUses[kind.slice('feature_use#'.length)] ?? 0;
  return 0;
}

/**
 * Events older than this enter nobody: a backfill of last year's events must not send a welcome
 * series now. (Delays count from the event, so a late event would also find its waits past.)
 */
export const LIFECYCLE_ENTRY_MAX_EVENT_AGE_MS = MS_PER_DAY;

/** A user's entries of one journey, as the enrollment record keeps them. */
export interface EntryHistory {
  /** Entries so far (1 after the first). */
  entries: number;
  lastEnteredAt: string;
  /** The event that made the latest entry (lifecycle journeys): a redelivered event enters once. */
  lastEntryEventId?: string;
  /** When the user last left the journey (exit, end, stop) and which entry they left. */
  lastExitAt?: string;
  lastExitEntry?: number;
}

/** Why a re-entry was refused: counted, never an error. */
export const ReentryRefusal = z.enum(['never', 'still-in-journey', 'cooldown', 'max-entries']);
export type ReentryRefusal = z.infer<typeof ReentryRefusal>;

export type EntryDecision = { kind: 'enter'; entry: number } | { kind: 'same-entry'; entry: number } | { kind: 'refuse'; reason: ReentryRefusal };

/**
 * Whether this event enters the user (again): the first entry always; the event that made the
 * latest entry again is that same entry (a redelivery: queued again, started once by its name);
 * another follows the policy, and nobody re-enters while still in the journey.
 */
export function decideEntry(history: EntryHistory | undefined, policy: ReentryPolicy, now: Date, eventId?: string): EntryDecision {
  if (history === undefined) return { kind: 'enter', entry: 1 };
  if (eventId !== undefined && history.lastEntryEventId === eventId) return { kind: 'same-entry', entry: history.entries };
  if (policy.kind === 'never') return { kind: 'refuse', reason: 'never' };
  if (history.lastExitAt === undefined || history.lastExitEntry !== history.entries) return { kind: 'refuse', reason: 'still-in-journey' };
  switch (policy.kind) {
    case 'at-most':
      return history.entries >= policy.times ? { kind: 'refuse', reason: 'max-entries' } : { kind: 'enter', entry: history.entries + 1 };
    case 'after-cooldown':
      if (policy.maxEntries !== undefined && history.entries >= policy.maxEntries) return { kind: 'refuse', reason: 'max-entries' };
      if (now.getTime() - Date.parse(history.lastExitAt) < policy.days * MS_PER_DAY) return { kind: 'refuse', reason: 'cooldown' };
      return { kind: 'enter', entry: history.entries + 1 };
    default:
      return assertNever(policy);
  }
}

/**
 * How many events of the match the aggregates show after `enteredAt`. Aggregates are per UTC day:
 * days after the entry's day count whole; the entry's own day counts when its last event is after
 * the entry, less the entry event itself when it is of the same kind (`entryCounts`). Amount
 * filters are read from the day's total (a day whose purchases add up to the amount counts once).
 */
export function eventsSinceEntry(match: EventMatch, enteredAt: Date, days: readonly DailyActivity[], entryCounts: boolean): number {
  const entryDay = utcDayOf(enteredAt);
  let count = 0;
  for (const day of days) {
    if (day.day < entryDay) continue;
    let n =
      match.type === 'session'
        ? day.sessions
        : match.type === 'purchase'
          ? day.purchases
          : match.feature === undefined
            ? sumValues(day.featureUses)
            : (day.featureUses[match.feature] ?? 0);
    if (match.minAmount !== undefined && day.purchaseAmount < match.minAmount) n = 0;
    if (day.day === entryDay) {
      if (Date.parse(day.lastEventAt) <= enteredAt.getTime()) continue;
      if (entryCounts) n = Math.max(0, n - 1);
    }
    count += n;
  }
  return count;
}

function sumValues(record: Readonly<Record<string, number>>): number {
  return Object.values(record).reduce((total, value) => total + value, 0);
}

/**
 * Whether the entry event itself is among what `match` counts (a first purchase entering a journey
 * that exits on a purchase): it is left out of "since entry".
 */
export function entryEventCounts(entry: JourneyEntry | undefined, match: EventMatch): boolean {
  if (entry?.kind !== 'event' || entry.event.type !== match.type) return false;
  return match.feature === undefined || entry.event.feature === match.feature;
}
