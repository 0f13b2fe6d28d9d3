import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { BehaviourEvent } from '../../shared/domain/events/behaviour-event';
import { BehaviourEvent as BehaviourEventSchema } from '../../shared/domain/events/behaviour-event';
import { aggregateDay, utcDayOf } from '../../shared/domain/events/daily-activity';
import type { UserProfile } from '../../shared/domain/profiles/user-profile';
import { generatePopulation } from '../../shared/domain/seed';
import { DynamoRawEventStore } from '../../shared/adapters/dynamodb/raw-event-store';
import { DynamoUserStore } from '../../shared/adapters/dynamodb/user-store';
import { INGEST_DEFAULTS } from '../../shared/config/tables';

export interface SeedRequest {
  users: number;
  days: number;
  seed: number;
  endDate: Date;
}

export interface SeedTables {
  users: string;
  events: string;
  operations: string;
}

/** The seed's tables among the template's local names (by logical id), found by logical id prefix. */
export function seedTablesOf(tables: ReadonlyMap<string, string> | Record<string, string>): SeedTables {
  const lookup: Record<string, string> = tables instanceof Map ? Object.fromEntries(tables) : (tables as Record<string, string>);
  const find = (prefix: string) => {
    const found = Object.entries(lookup).find(([logicalId]) => logicalId.startsWith(prefix));
    if (!found) throw new Error(`no ${prefix} in the template`);
    return found[1];
  };
  return { users: find('UsersTable'), events: find('EventsTable'), operations: find('OperationsTable') };
}

const USERS_PER_FLUSH = 100;
/** Flushes written at once. */
const FLUSHES_IN_FLIGHT = 4;
const RAW_DAYS = 2;
const MARKER_KEY = { pk: 'SYSTEM#SEED', sk: 'PROGRESS' };

/**
 * Loads a synthetic population: profiles, raw events and the daily aggregates computed from them.
 * Progress is checkpointed every flush, so an interrupted seeding resumes where it stopped, and
 * re-seeding the same users rewrites the same items (ids are deterministic): nothing is doubled.
 */
export async function seedPopulation(
  client: DynamoDBDocumentClient,
  tables: SeedTables,
  request: SeedRequest,
  onProgress: (done: number, total: number, events: number) => void = () => undefined,
  hooks: SeedHooks = {},
): Promise<{ users: number; events: number; resumedFrom: number; stopped: boolean }> {
  const rawEvents = new DynamoRawEventStore(client, tables.events, INGEST_DEFAULTS.rawEventRetentionDays);
  const userStore = new DynamoUserStore(client, tables.users, INGEST_DEFAULTS.aggregateRetentionDays);
  const marker = (await client.send(new GetCommand({ TableName: tables.operations, Key: MARKER_KEY, ConsistentRead: true }))).Item;
  const sameRequest =
    marker &&
    marker.users === request.users &&
    marker.days === request.days &&
    marker.seed === request.seed &&
    marker.endDate === request.endDate.toISOString();
  const startAt = sameRequest ? Number(marker.nextUserIndex) : 0;

  let profiles: UserProfile[] = [];
  let events: BehaviourEvent[] = [];
  let eventCount = 0;
  let done = startAt;
  onProgress(done, request.users, 0);
  // Flushes overlap (DynamoDB Local, like DynamoDB, writes several batches at once far faster than
  // one after the other), but the marker moves in order: each flush's marker is written only once
  // it and every flush before it are in, so an interruption resumes after the last user of an
  // unbroken prefix and rewrites the rest (the same items: ids are deterministic).
  let written: Promise<void> = Promise.resolve();
  const inFlight: Promise<void>[] = [];
  const flush = async () => {
    const aggregates = groupByUserDay(events).map(([userId, day, dayEvents]) => aggregateDay(userId, day, dayEvents));
    // Seeded history is written as aggregates (and profiles); raw events are kept only for the
    // last RAW_DAYS days, the window in which late events usually arrive. Writing a million raw
    // events on a first start would take minutes on DynamoDB Local's on-disk store.
    const recent = events.filter((event) => isWrittenRaw(event, request));
    // The months before the raw events: a raw event's stream record brings the aggregator to its
    // user's month, which it then finds seeded (and skips what `seededThrough` covers) instead of
    // absent, so its unconditional write never replaces seeded history. (An event of a user not
    // seeded yet, sent meanwhile through the API, is overwritten by the seeded month: seed before
    // sending events for the seeded users.)
    const writes = Promise.all([
      userStore.putProfiles(profiles),
      userStore.putMonthsFresh(aggregates).then(async () => {
        await hooks.beforeRawWrite?.(recent);
        await rawEvents.putAll(recent);
      }),
    ]);
    const [nextUserIndex, eventsSoFar] = [done, eventCount];
    written = Promise.all([written, writes]).then(async () => {
      await client.send(
        new PutCommand({
          TableName: tables.operations,
          Item: { ...MARKER_KEY, users: request.users, days: request.days, seed: request.seed, endDate: request.endDate.toISOString(), nextUserIndex },
        }),
      );
      onProgress(nextUserIndex, request.users, eventsSoFar);
    });
    // Every chain is awaited below; this copy only keeps a failure from being reported unhandled
    // while an earlier flush is awaited.
    written.catch(() => undefined);
    inFlight.push(written);
    profiles = [];
    events = [];
    if (inFlight.length >= FLUSHES_IN_FLIGHT) await inFlight.shift();
  };
  const allWritten = async () => {
    await written;
    inFlight.length = 0;
  };

  const population = generatePopulation({
    users: request.users - startAt,
    days: request.days,
    seed: request.seed,
    endDate: request.endDate,
    startUserIndex: startAt,
  });
  for (const user of population) {
    const now = request.endDate.toISOString();
    profiles.push({ ...user.profile, createdAt: now, updatedAt: now });
    // The generator speaks the ingest schema; parsing keeps that promise checked.
    for (const event of user.events) events.push(BehaviourEventSchema.parse(event));
    eventCount += user.events.length;
    done += 1;
    if (done % USERS_PER_FLUSH === 0) {
      await flush();
      // Stopping between flushes leaves the marker on the last user written: the next run resumes there.
      if (hooks.signal?.aborted) {
        await allWritten();
        return { users: done, events: eventCount, resumedFrom: startAt, stopped: true };
      }
    }
  }
  if (profiles.length > 0 || done === startAt) await flush();
  await allWritten();
  return { users: request.users, events: eventCount, resumedFrom: startAt, stopped: false };
}

export interface SeedHooks {
  /** Called with the raw events of each flush before they are written (after the flush's months are). */
  beforeRawWrite?: (events: readonly BehaviourEvent[]) => void | Promise<void>;
  /** Stops the seeding after the flush under way. */
  signal?: AbortSignal;
}

/** Seeded history is kept as raw events only for its last RAW_DAYS days. */
function isWrittenRaw(event: { timestamp: string }, request: SeedRequest): boolean {
  return Date.parse(event.timestamp) >= request.endDate.getTime() - RAW_DAYS * 86_400_000;
}

/** The raw events a seeding of `request` writes (deterministic: the same request, the same events). */
export function* seededRawEvents(request: SeedRequest): Generator<BehaviourEvent> {
  for (const user of generatePopulation({ users: request.users, days: request.days, seed: request.seed, endDate: request.endDate })) {
    // Only the last days are written raw: filter before parsing, which is the costly part.
    for (const event of user.events) if (isWrittenRaw(event, request)) yield BehaviourEventSchema.parse(event);
  }
}

function groupByUserDay(events: readonly BehaviourEvent[]): Array<[string, string, BehaviourEvent[]]> {
  const groups = new Map<string, [string, string, BehaviourEvent[]]>();
  for (const event of events) {
    const day = utcDayOf(event.timestamp);
    const key = `${event.userId}\u0000${day}`;
    let group = groups.get(key);
    if (!group) groups.set(key, (group = [event.userId, day, []]));
    group[2].push(event);
  }
  return [...groups.values()];
}
