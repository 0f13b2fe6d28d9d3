import type { KillSwitchState } from '../messaging';
import { dauDrop, type HealthThresholds } from './alerts';
import type { HealthDay } from './metrics';

/**
 * The STOP flow: when DAU falls more than 15% day over day on three consecutive days (defaults),
 * non-core sends stop by themselves (S), the incident names the features and segments that fell
 * most (T), and it waits for a person to Optimize the recall strategy and Prevent a repeat (O, P)
 * and resume, with a reason.
 */

/** `by` of the kill switch when the STOP flow turned it on: how it is told apart from a manual one. */
export const STOP_FLOW_ACTOR = 'rekindle:stop-flow';

/** Whether the kill switch is the one the STOP flow turned on for this incident (or any, without an id). */
export function isAutomaticStop(state: KillSwitchState, incidentId?: string): boolean {
  return state.active && state.by === STOP_FLOW_ACTOR && (incidentId === undefined || state.reason.includes(incidentId));
}

export interface TraceEntry {
  name: string;
  base: number;
  today: number;
  /** Share lost from the base day (positive when it fell). */
  drop: number;
}

export interface IncidentStep {
  step: 'S' | 'T' | 'O' | 'P';
  title: string;
  at: string | null;
  detail: string;
}

export interface Incident {
  incidentId: string;
  /** The reporting day on which the rule fired. */
  day: string;
  status: 'open' | 'resumed';
  openedAt: string;
  /** The day-over-day drops that fired it, oldest first. */
  drops: Array<{ day: string; drop: number }>;
  steps: IncidentStep[];
  trace: { baseDay: string; features: TraceEntry[]; segments: TraceEntry[] };
  resumed: { at: string; by: string; reason: string } | null;
}

/** The consecutive drops ending on the newest day, if all exceed the STOP threshold; null otherwise. `series` is oldest first, consecutive days. */
export function stopTrigger(series: readonly HealthDay[], thresholds: HealthThresholds['stop']): Array<{ day: string; drop: number }> | null {
  if (series.length < thresholds.days + 1) return null;
  const drops: Array<{ day: string; drop: number }> = [];
  for (let i = series.length - thresholds.days; i < series.length; i++) {
    const drop = dauDrop(series[i]!, series[i - 1]!);
    if (drop === null || drop <= thresholds.drop) return null;
    drops.push({ day: series[i]!.day, drop });
  }
  return drops;
}

/** Entries that fell most from base to today, largest drop first (at most `limit`). */
export function fellMost(today: Readonly<Record<string, number>>, base: Readonly<Record<string, number>>, limit = 5): TraceEntry[] {
  return Object.entries(base)
    .filter(([, before]) => before > 0)
    .map(([name, before]) => ({ name, base: before, today: today[name] ?? 0, drop: Math.round(((before - (today[name] ?? 0)) / before) * 1e6) / 1e6 }))
    .filter((entry) => entry.drop > 0)
    .sort((a, b) => b.drop - a.drop || b.base - a.base || (a.name < b.name ? -1 : 1))
    .slice(0, limit);
}

/** The incident STOP opens on `today`: S (kill switch) and T (trace) done at `at`, O and P for a person. */
export function openIncident(today: HealthDay, drops: Array<{ day: string; drop: number }>, at: string): Incident {
  const incidentId = `stop-${today.day}`;
  const features = fellMost(today.trace.featuresToday, today.trace.featuresBase);
  const segments = fellMost(today.trace.segmentsToday, today.trace.segmentsBase);
  return {
    incidentId,
    day: today.day,
    status: 'open',
    openedAt: at,
    drops,
    steps: [
      { step: 'S', title: 'Stop all non-core pushes', at, detail: 'kill switch on for non-core messages; core messages pass' },
      {
        step: 'T',
        title: 'Trace the behaviour paths',
        at,
        detail: `features fallen most: ${features.map((f) => f.name).join(', ') || 'none'}; segments: ${segments.map((s) => s.name).join(', ') || 'none'}`,
      },
      { step: 'O', title: 'Optimize the recall strategy', at: null, detail: 'recorded by the person who resumes' },
      { step: 'P', title: 'Prevent with the health dashboard', at: null, detail: 'recorded by the person who resumes' },
    ],
    trace: { baseDay: today.trace.baseDay, features, segments },
    resumed: null,
  };
}

/** The incident resumed by a person: O and P recorded with the reason. */
export function resumeIncidentRecord(incident: Incident, by: string, reason: string, at: string): Incident {
  return {
    ...incident,
    status: 'resumed',
    steps: incident.steps.map((step) => (step.step === 'O' || step.step === 'P' ? { ...step, at, detail: `${by}: ${reason}` } : step)),
    resumed: { at, by, reason },
  };
}

/** The kill switch state STOP writes. */
export function stopKillSwitch(incident: Incident): KillSwitchState {
  return {
    active: true,
    reason: `STOP flow, incident ${incident.incidentId}: DAU down more than the limit ${incident.drops.length} days running`,
    since: incident.openedAt,
    by: STOP_FLOW_ACTOR,
  };
}
