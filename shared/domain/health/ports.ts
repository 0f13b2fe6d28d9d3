import type { KillSwitchStore } from '../messaging';
import type { HealthAlert } from './alerts';
import type { FeatureFeedbackCounts, FeedbackFact } from './feedback';
import type { MessageDayCounts, HealthDay, HealthUser } from './metrics';
import type { TallyChunk } from './tally-chunks';
import type { Incident } from './stop-flow';

/** The health time series: one point per reporting day, overwritten by a recompute. */
export interface HealthSeriesStore {
  putDay(day: HealthDay): Promise<void>;
  getDay(day: string): Promise<HealthDay | null>;
  /** Days from `from` to `to` inclusive that exist, oldest first. */
  listDays(from: string, to: string): Promise<HealthDay[]>;
}

/** Tallies of one day's scan segments, written by the nightly scan's segment tasks. */
export interface HealthTallyStore {
  /** Stores (or overwrites, on a retry) one chunk. */
  putChunk(chunk: TallyChunk): Promise<void>;
  listChunks(day: string): Promise<TallyChunk[]>;
}

/** Alerts, raised once: `raise` answers false when the alert id exists already. */
export interface AlertStore {
  raise(alert: HealthAlert): Promise<boolean>;
  listAlerts(from: string, to: string): Promise<HealthAlert[]>;
}

export interface IncidentStore {
  /** Stores a new incident; false when one with its id exists already. */
  open(incident: Incident): Promise<boolean>;
  get(incidentId: string): Promise<Incident | null>;
  /** Overwrites an incident only if its status is still `expected`; false otherwise. */
  replace(incident: Incident, expected: Incident['status']): Promise<boolean>;
  list(): Promise<Incident[]>;
}

/** Where alerts go (SNS in AWS, the local emulator on `npm start`). */
export interface AlertPublisher {
  publish(alert: HealthAlert): Promise<void>;
}

/** Message outcomes of a reporting day. */
export interface MessageOutcomeCounter {
  countDay(day: string, timeZone: string): Promise<MessageDayCounts>;
}

/** Feedback counters per ISO week and feature, added to as feedback events arrive. */
export interface FeedbackCounters {
  /** Adds one event's fact, once: `already-counted` for a fact id seen before. */
  add(fact: FeedbackFact): Promise<'counted' | 'already-counted'>;
  countsOfWeek(week: string): Promise<FeatureFeedbackCounts[]>;
}

/** Every user with their daily aggregates, once each, page by page (the backfill's one pass). */
export interface HealthUserSource {
  forEachPage(onUsers: (users: readonly HealthUser[]) => void): Promise<void>;
}

export interface HealthPorts {
  series: HealthSeriesStore;
  tallies: HealthTallyStore;
  alerts: AlertStore;
  incidents: IncidentStore;
  publisher: AlertPublisher;
  messages: MessageOutcomeCounter;
  killSwitch: KillSwitchStore;
}
