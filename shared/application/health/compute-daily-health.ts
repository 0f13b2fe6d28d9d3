import { addDays, type Clock } from '../../domain/common';
import {
  alertsOfDay,
  completeRunTally,
  finishHealthDay,
  HealthTalliesNotReadyError,
  openIncident,
  stopKillSwitch,
  stopTrigger,
  type HealthAlert,
  type HealthDay,
  type HealthPorts,
  type HealthSettings,
  type Incident,
} from '../../domain/health';
import { healthDayOptions } from './fold-health-segment';

export interface DailyHealthResult {
  day: HealthDay;
  /** Alerts raised by this computation (none on a recompute of a day already computed). */
  raised: HealthAlert[];
  /** The incident STOP opened, if it did. */
  incident: Incident | null;
}

/**
 * Computes one reporting day from the nightly scan's tallies and stores it in the time series,
 * raises the day's alerts (each once: a recompute raises none again), and runs STOP when DAU fell
 * more than the limit on the configured number of consecutive days. Idempotent: recomputing a day
 * overwrites the same point, raises nothing new and opens no second incident.
 */
export async function computeDailyHealth(
  request: { day: string },
  ports: HealthPorts & { settings: HealthSettings; clock: Clock },
): Promise<DailyHealthResult> {
  const { settings } = ports;
  const complete = completeRunTally(await ports.tallies.listChunks(request.day));
  if (!complete) throw new HealthTalliesNotReadyError(request.day);
  const options = healthDayOptions(request.day, settings);
  const messages = await ports.messages.countDay(request.day, settings.timeZone);
  const day = finishHealthDay(complete.tally, messages, { ...options, benchmarks: settings.benchmarks });
  await ports.series.putDay(day);

  const now = ports.clock.now().toISOString();
  const stopDays = settings.thresholds.stop.days;
  const series = [...(await ports.series.listDays(addDays(request.day, -stopDays), addDays(request.day, -1))), day];
  const consecutive = series.length === stopDays + 1 && series.every((point, i) => point.day === addDays(request.day, i - stopDays));
  const previous = series.at(-2)?.day === addDays(request.day, -1) ? series.at(-2)! : null;
  const candidates = alertsOfDay(day, previous, settings.thresholds, now);

  let incident: Incident | null = null;
  const drops = consecutive ? stopTrigger(series, settings.thresholds.stop) : null;
  if (drops && !(await ports.incidents.list()).some((open) => open.status === 'open' || open.incidentId === `stop-${request.day}`)) {
    const opened = openIncident(day, drops, now);
    if (await ports.incidents.open(opened)) {
      incident = opened;
      // A kill switch a person turned on stays theirs: STOP records the incident and leaves it.
      const current = await ports.killSwitch.read();
      if (!current.active) await ports.killSwitch.write(stopKillSwitch(opened), ports.clock.now());
      candidates.push({
        alertId: `${request.day}#stop`,
        day: request.day,
        raisedAt: now,
        level: 'red',
        subject: { kind: 'stop', incidentId: opened.incidentId },
        playbook: settings.thresholds.playbooks.red,
        summary: `STOP: DAU down more than ${Math.round(settings.thresholds.stop.drop * 100)}% ${stopDays} days running; non-core messages stopped (incident ${opened.incidentId})`,
      });
    }
  }

  const raised: HealthAlert[] = [];
  for (const alert of candidates) {
    if (await ports.alerts.raise(alert)) {
      raised.push(alert);
      await ports.publisher.publish(alert);
    }
  }
  return { day, raised, incident };
}
