import { addDays, InvalidInputError } from '../../domain/common';
import {
  isoWeekOf,
  mondayOfIsoWeek,
  rankComplaints,
  type AlertStore,
  type FeedbackCounters,
  type HealthSeriesStore,
  type IncidentStore,
} from '../../domain/health';

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const MAX_DAYS = 400;

/** The stored health days from `from` to `to` (inclusive, at most 400 days). */
export async function listHealthDays(range: { from: string; to: string }, ports: { series: HealthSeriesStore }) {
  if (!DAY.test(range.from) || !DAY.test(range.to) || range.from > range.to || addDays(range.from, MAX_DAYS) < range.to) {
    throw new InvalidInputError(`from and to must be days YYYY-MM-DD, from ≤ to, at most ${MAX_DAYS} days apart`, [
      { index: null, path: 'from', message: 'invalid range' },
    ]);
  }
  return ports.series.listDays(range.from, range.to);
}

/** The newest day on or before `today` (looking back 7 days), for the cohort and feature views. */
async function latestDay(today: string, ports: { series: HealthSeriesStore }) {
  return (await ports.series.listDays(addDays(today, -7), today)).at(-1) ?? null;
}

/** Weekly cohorts of the newest computed day, the `weeks` newest. */
export async function latestCohorts(request: { today: string; weeks: number }, ports: { series: HealthSeriesStore }) {
  const day = await latestDay(request.today, ports);
  return { day: day?.day ?? null, cohorts: (day?.cohorts ?? []).slice(0, request.weeks) };
}

/** Core feature penetration of the newest computed day against benchmarks. */
export async function latestFeatures(request: { today: string }, ports: { series: HealthSeriesStore }) {
  const day = await latestDay(request.today, ports);
  return { day: day?.day ?? null, features: day?.features ?? [] };
}

/** Alerts of the last `days` days up to today, newest first. */
export async function listAlerts(request: { today: string; days: number }, ports: { alerts: AlertStore }) {
  const alerts = await ports.alerts.listAlerts(addDays(request.today, -request.days + 1), request.today);
  return alerts.sort((a, b) => (a.alertId < b.alertId ? 1 : -1));
}

export async function listIncidents(ports: { incidents: IncidentStore }) {
  return (await ports.incidents.list()).sort((a, b) => (a.openedAt < b.openedAt ? 1 : -1));
}

/**
 * The three features with the most negative feedback in an ISO week `YYYY-Www` (default: the
 * current one in the reporting zone), from the week's counters: never a read of raw events.
 */
export async function weeklyTopComplaints(request: { week?: string; today: string }, ports: { feedback: FeedbackCounters }) {
  const week = request.week ?? isoWeekOf(request.today);
  if (!isIsoWeek(week)) {
    throw new InvalidInputError('week must be an ISO week YYYY-Www', [{ index: null, path: 'week', message: 'must be an ISO week such as 2026-W48' }]);
  }
  return { week, features: rankComplaints(await ports.feedback.countsOfWeek(week)) };
}

/** True for an ISO week that exists (W53 only in long years). */
function isIsoWeek(week: string): boolean {
  try {
    return isoWeekOf(mondayOfIsoWeek(week)) === week;
  } catch {
    return false;
  }
}
