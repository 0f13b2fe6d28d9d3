import type { Command } from 'commander';
import { DEFAULT_DATA_DIR } from '../../infra/local/local-runtime';
import { addDays } from '../../shared/domain/common';
import type { FeatureComplaints, HealthAlert, HealthDay, Incident } from '../../shared/domain/health';
import { simulatedDay } from '../../shared/domain/health/simulation';
import { POPULATION_DEFAULTS } from '../../shared/domain/seed';
import { connectLocal, output, type LocalConnection } from '../local-connection';

async function requireOk(connection: LocalConnection, method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const answer = await connection.request(method, path, { auth: 'marketer', ...(body === undefined ? {} : { body }) });
  if (answer.status >= 300) throw new Error(`${method} ${path} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  return answer.body as Record<string, unknown>;
}

const pct = (share: number) => `${(share * 100).toFixed(1)}%`.padStart(7);

function describeDays(days: readonly HealthDay[], timeZone: string): string {
  const header = `product health by day (${timeZone})\n  day          DAU      WAU      MAU   DAU/MAU   D1      7d-active`;
  const rows = days.map(
    (d) =>
      `  ${d.day}  ${String(d.dau).padStart(7)}  ${String(d.wau).padStart(7)}  ${String(d.mau).padStart(7)}  ${pct(d.stickiness)}  ${pct(d.d1.rate)}  ${pct(d.activeRate7)}`,
  );
  const last = days.at(-1);
  const features = last ? last.features.map((f) => `  ${f.feature.padEnd(12)} ${pct(f.rate)} (benchmark ${pct(f.benchmark).trim()})`) : [];
  return [header, ...rows, ...(features.length > 0 ? [`core feature penetration on ${last!.day}`, ...features] : [])].join('\n');
}

const describeAlert = (alert: HealthAlert) => `  ${alert.day}  ${alert.level.padEnd(6)}  ${alert.summary}\n              ${alert.playbook}`;
const describeIncident = (incident: Incident) =>
  [
    `  ${incident.incidentId}  ${incident.status}  opened ${incident.openedAt}${incident.resumed ? `, resumed ${incident.resumed.at} by ${incident.resumed.by}: ${incident.resumed.reason}` : ''}`,
    ...incident.steps.map((step) => `    ${step.step} ${step.title.padEnd(34)} ${step.at ?? 'pending'}  ${step.detail}`),
  ].join('\n');

const describeComplaints = (week: string, features: readonly FeatureComplaints[]) =>
  features.length === 0
    ? `no negative feedback in ${week}`
    : [
        `features complained about most in ${week} (ratings 1-2)`,
        ...features.flatMap((f, i) => [
          `  ${i + 1}. ${f.feature.padEnd(14)} ${String(f.negative).padStart(5)} negative of ${f.total} (average rating ${f.averageRating})`,
          ...f.samples.map((sample) => `       "${sample}"`),
        ]),
      ].join('\n');

/** `rekindle health`, `rekindle alerts`, `rekindle incidents [resume ID --reason …]`, `rekindle feedback top`. */
export function registerHealthCommands(program: Command): void {
  program
    .command('health')
    .description('print the daily product health of the last days')
    .option('--days <n>', 'how many days, up to the last complete one', '30')
    .option('--data-dir <dir>', 'data folder of the running system', DEFAULT_DATA_DIR)
    .option('--json', 'machine-readable output')
    .action(async (options: { days: string; dataDir: string; json?: boolean }) => {
      const connection = connectLocal(options.dataDir);
      const latest = (await requireOk(connection, 'GET', '/v1/health/daily')) as { days: HealthDay[]; timeZone: string };
      const to = latest.days.at(-1)?.day;
      const answer = to
        ? ((await requireOk(connection, 'GET', `/v1/health/daily?from=${addDays(to, -(Number(options.days) - 1))}&to=${to}`)) as typeof latest)
        : latest;
      output(Boolean(options.json), answer, () => (answer.days.length === 0 ? 'no health computed yet' : describeDays(answer.days, answer.timeZone)));
    });

  program
    .command('alerts')
    .description('list the health alerts of the last 30 days, newest first')
    .option('--data-dir <dir>', 'data folder of the running system', DEFAULT_DATA_DIR)
    .option('--json', 'machine-readable output')
    .action(async (options: { dataDir: string; json?: boolean }) => {
      const answer = (await requireOk(connectLocal(options.dataDir), 'GET', '/v1/alerts')) as { alerts: HealthAlert[] };
      output(Boolean(options.json), answer, () => (answer.alerts.length === 0 ? 'no alerts' : ['alerts', ...answer.alerts.map(describeAlert)].join('\n')));
    });

  program
    .command('feedback')
    .description('experience feedback')
    .command('top')
    .description('the three features with the most negative feedback in an ISO week, with masked sample comments')
    .option('--week <week>', 'ISO week YYYY-Www (default: the current one in the reporting zone)')
    .option('--data-dir <dir>', 'data folder of the running system', DEFAULT_DATA_DIR)
    .option('--json', 'machine-readable output')
    .action(async (options: { week?: string; dataDir: string; json?: boolean }) => {
      const query = options.week === undefined ? '' : `?week=${encodeURIComponent(options.week)}`;
      const answer = (await requireOk(connectLocal(options.dataDir), 'GET', `/v1/feedback/top${query}`)) as { week: string; features: FeatureComplaints[] };
      output(Boolean(options.json), answer, () => describeComplaints(answer.week, answer.features));
    });

  const incidents = program
    .command('incidents')
    .description('list STOP incidents with their S/T/O/P steps')
    .option('--data-dir <dir>', 'data folder of the running system', DEFAULT_DATA_DIR)
    .option('--json', 'machine-readable output')
    .action(async (options: { dataDir: string; json?: boolean }) => {
      const answer = (await requireOk(connectLocal(options.dataDir), 'GET', '/v1/incidents')) as { incidents: Incident[] };
      output(Boolean(options.json), answer, () =>
        answer.incidents.length === 0 ? 'no incidents' : ['incidents', ...answer.incidents.map(describeIncident)].join('\n'),
      );
    });
  incidents
    .command('resume <id>')
    .description('resume non-core sends stopped by an incident, saying why')
    .requiredOption('--reason <text>', 'why sends may start again (recorded)')
    .option('--data-dir <dir>', 'data folder of the running system', DEFAULT_DATA_DIR)
    .option('--json', 'machine-readable output')
    .action(async (id: string, _options: unknown, command: Command) => {
      // `incidents` has the same --data-dir and --json: commander hands them to it, so read both levels.
      const options = command.optsWithGlobals<{ reason: string; dataDir: string; json?: boolean }>();
      const answer = (await requireOk(connectLocal(options.dataDir), 'POST', `/v1/incidents/${encodeURIComponent(id)}/resume`, { reason: options.reason })) as {
        incident: Incident;
      };
      output(Boolean(options.json), answer, () => ['resumed', describeIncident(answer.incident)].join('\n'));
    });
}
const HOUR_MS = 3_600_000;
const BATCH = 500;

/**
 * `rekindle simulate --days N [--activity x]`: plays the seeded population's next days through the
 * API an hour at a time (send the hour's events, then advance the clock an hour), so the nightly
 * scan and the daily health fire on the schedule having seen every event before them.
 */
export function registerSimulateCommand(program: Command): void {
  program
    .command('simulate')
    .description("send the seeded population's next days of behaviour through the API while advancing the clock")
    .option('--days <n>', 'how many days', '1')
    .option('--activity <share>', 'share of users who keep their habit each day (0 to 1)', '1')
    .option('--users <n>', 'the seeded population size', String(POPULATION_DEFAULTS.users))
    .option('--seed <n>', 'the seed the population was seeded with', String(POPULATION_DEFAULTS.seed))
    .option('--data-dir <dir>', 'data folder of the running system', DEFAULT_DATA_DIR)
    .action(async (options: { days: string; activity: string; users: string; seed: string; dataDir: string }) => {
      const days = Number(options.days);
      const activity = Number(options.activity);
      if (!Number.isInteger(days) || days < 1 || days > 365) throw new Error('--days must be a whole number from 1 to 365');
      if (!(activity >= 0 && activity <= 1)) throw new Error('--activity must be from 0 to 1');
      const connection = connectLocal(options.dataDir);
      const clock = (await requireOk(connection, 'GET', '/local/clock')) as { now: string };
      let now = new Date(clock.now).getTime();
      for (let d = 0; d < days; d++) {
        const events = simulatedDay({ users: Number(options.users), seed: Number(options.seed), dayEnd: new Date(now + 24 * HOUR_MS), activity });
        for (let hour = 1; hour <= 24; hour++) {
          const hourEnd = now + HOUR_MS;
          const due = events.filter((event) => Date.parse(event.timestamp) > now && Date.parse(event.timestamp) <= hourEnd);
          await requireOk(connection, 'POST', '/local/clock/advance', { by: '1h' });
          for (let i = 0; i < due.length; i += BATCH) {
            const answer = await connection.request('POST', '/v1/events', { auth: 'ingest', body: { events: due.slice(i, i + BATCH) } });
            if (answer.status >= 300) throw new Error(`POST /v1/events answered ${answer.status}: ${JSON.stringify(answer.body)}`);
          }
          now = hourEnd;
        }
        process.stdout.write(`simulated ${new Date(now).toISOString().slice(0, 16)}Z: ${events.length} events at activity ${activity}\n`);
      }
    });
}
