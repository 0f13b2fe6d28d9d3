import { addDays, utcDayOf, type Clock } from '../../domain/common';
import {
  decideEntry,
  eventMatches,
  firstEventKind,
  hadEarlierDay,
  isInHoldout,
  journeyExecutionName,
  LIFECYCLE_ENTRY_MAX_EVENT_AGE_MS,
  type ActivityReader,
  type EnrollmentStore,
  type EventEntry,
  type FirstEventClaims,
  type JourneyDefinition,
  type JourneyStore,
  type LaunchQueue,
  type LifecycleEvent,
  type ReentryRefusal,
} from '../../domain/journeys';

export interface EnterOnEventsPorts {
  clock: Clock;
  journeys: Pick<JourneyStore, 'list'>;
  enrollments: Pick<EnrollmentStore, 'entryHistory' | 'enter' | 'countRefusedEntry'>;
  activity: ActivityReader;
  firstEvents: FirstEventClaims;
  queue: LaunchQueue;
}

/** What a batch of events did to the lifecycle journeys. */
export interface EnterOnEventsResult {
  entered: number;
  holdout: number;
  /** Entries refused by the journeys' re-entry policies, by reason: counted, not errors. */
  refused: Partial<Record<ReentryRefusal, number>>;
  /** Events that matched an entry event but were not the user's first of its kind. */
  notFirst: number;
}

/**
 * A batch's events, or how to read them: a batch is decoded only while some running journey
 * enters on events (most of the time none does, and the stream brings every event).
 */
export type LifecycleEvents = readonly LifecycleEvent[] | (() => readonly LifecycleEvent[]);

/** How far back a "first" looks in the daily aggregates (the raw-event validity window). */
const FIRST_LOOKBACK_DAYS = 400;
/** A decision lost to a concurrent entry of the same user is made again, at most this often. */
const MAX_ENTRY_ATTEMPTS = 3;

/**
 * Lifecycle entry: each new behaviour event (from the raw-event stream) enters the user in every
 * running journey whose entry event it matches: only the user's first of its kind when the entry
 * says `first` (claimed once per user and kind, and never when the aggregates show one on an
 * earlier day), and as the journey's re-entry policy allows. An entry is written with its number,
 * the holdout drawn by stable hash, and the treated ones queued for the starter, whose execution
 * name is (journey, user, entry): a redelivered event enters once. Events older than a day enter
 * nobody.
 */
export async function enterOnEvents(batch: LifecycleEvents, ports: EnterOnEventsPorts): Promise<EnterOnEventsResult> {
  const result: EnterOnEventsResult = { entered: 0, holdout: 0, refused: {}, notFirst: 0 };
  const journeys = (await ports.journeys.list())
    .filter((journey) => journey.status === 'running' && journey.definition.entry.kind === 'event')
    .map((journey) => journey.definition);
  if (journeys.length === 0) return result;
  const now = ports.clock.now();
  const fresh = (typeof batch === 'function' ? batch() : batch)
    .filter((event) => now.getTime() - Date.parse(event.timestamp) <= LIFECYCLE_ENTRY_MAX_EVENT_AGE_MS)
    .sort((a, b) => Date.parse(a.timestamp) - Date.parse(b.timestamp));
  if (fresh.length === 0) return result;

  const firsts = new Map<string, Promise<boolean>>();
  const isFirst = (entry: EventEntry, event: LifecycleEvent) => {
    const kind = firstEventKind(entry.event, event);
    const key = `${event.userId}\u0000${kind}\u0000${event.eventId}`;
    let first = firsts.get(key);
    if (!first) firsts.set(key, (first = firstOfKind(kind, event, ports)));
    return first;
  };

  // One user's events in order (an entry decides on the one before); users side by side.
  const byUser = new Map<string, LifecycleEvent[]>();
  for (const event of fresh) byUser.set(event.userId, [...(byUser.get(event.userId) ?? []), event]);
  await Promise.all(
    [...byUser.values()].map(async (userEvents) => {
      for (const event of userEvents) {
        for (const definition of journeys) {
          const entry = definition.entry as EventEntry;
          if (!eventMatches(entry.event, event)) continue;
          if (entry.first && !(await isFirst(entry, event))) {
            result.notFirst += 1;
            continue;
          }
          const outcome = await enterOne(definition, event, now, ports);
          if (outcome.kind === 'refused') result.refused[outcome.reason] = (result.refused[outcome.reason] ?? 0) + 1;
          else if (outcome.holdout) result.holdout += 1;
          else result.entered += 1;
        }
      }
    }),
  );
  return result;
}

async function firstOfKind(kind: string, event: LifecycleEvent, ports: EnterOnEventsPorts): Promise<boolean> {
  const days = await ports.activity.activitySince(event.userId, addDays(utcDayOf(new Date(event.timestamp)), -FIRST_LOOKBACK_DAYS));
  if (hadEarlierDay(kind, event, days)) return false;
  return ports.firstEvents.claim(event.userId, kind, event.eventId, event.timestamp);
}

type EntryOutcome = { kind: 'entered'; holdout: boolean } | { kind: 'refused'; reason: ReentryRefusal };

async function enterOne(definition: JourneyDefinition, event: LifecycleEvent, now: Date, ports: EnterOnEventsPorts): Promise<EntryOutcome> {
  const holdout = isInHoldout(definition.id, event.userId, definition.holdoutShare);
  const enrolledAt = new Date(event.timestamp).toISOString();
  for (let attempt = 1; ; attempt++) {
    const history = await ports.enrollments.entryHistory(definition.id, event.userId);
    const decision = decideEntry(history, definition.reentry, now, event.eventId);
    if (decision.kind === 'refuse') {
      await ports.enrollments.countRefusedEntry(definition.id, event.userId, decision.reason);
      return { kind: 'refused', reason: decision.reason };
    }
    if (decision.kind === 'enter') {
      const member = { userId: event.userId, tier: null, holdout, enrolledAt };
      const written = await ports.enrollments.enter(
        definition.id,
        member,
        decision.entry,
        event.eventId,
        journeyExecutionName(definition.id, event.userId, decision.entry),
      );
      if (written === 'changed') {
        if (attempt < MAX_ENTRY_ATTEMPTS) continue;
        // Entries keep racing: this event does not enter; counted as refused while still in the journey.
        await ports.enrollments.countRefusedEntry(definition.id, event.userId, 'still-in-journey');
        return { kind: 'refused', reason: 'still-in-journey' };
      }
    }
    // A redelivered event (`same-entry`) is queued again: the starter answers "already enrolled" when it runs.
    if (!holdout) {
      await ports.queue.enqueue([{ journeyId: definition.id, userId: event.userId, enrolledAt, ...(decision.entry > 1 ? { entry: decision.entry } : {}) }]);
    }
    return { kind: 'entered', holdout };
  }
}
