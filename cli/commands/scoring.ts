import type { Command } from 'commander';
import { DEFAULT_DATA_DIR } from '../../infra/local/local-runtime';
import { RECALL_TIERS, RFM_SEGMENTS, VALUE_QUADRANTS } from '../../shared/domain/models';
import { nightlyRunCost, RunSummary, type RunCost } from '../../shared/domain/scoring-run';
import { connectLocal, output, type LocalConnection } from '../local-connection';
import { progressBar } from '../progress';

const POLL_MS = 500;

/** Canonical orders for the distributions (stored maps come back in any key order). */
const ORDER = {
  tiers: [...RECALL_TIERS, 'active'],
  segments: [...RFM_SEGMENTS],
  quadrants: [...VALUE_QUADRANTS],
} as const;

function table(counts: Record<string, number>, total: number, order: readonly string[]): string {
  const rank = (name: string) => (order.includes(name) ? order.indexOf(name) : order.length);
  return Object.entries(counts)
    .sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b))
    .map(([name, count]) => `    ${name.padEnd(20)} ${String(count).padStart(9)}  ${total > 0 ? ((100 * count) / total).toFixed(1).padStart(5) : '  0.0'}%`)
    .join('\n');
}

function describeSummary(summary: RunSummary): string {
  const t = summary.totals;
  return [
    `scoring run ${summary.runId} for ${summary.date} (parameters ${summary.paramsVersion}${summary.refitted ? ', refitted' : ''})`,
    `  users scored       ${t.usersScored} in ${(summary.durationMs / 1000).toFixed(1)} s over ${summary.totalSegments} segments (${t.invocations} invocations)`,
    `  items written      ${t.itemsWritten} · tier changes ${t.tierChanges}`,
    `  capacity           ${t.readUnits.toFixed(1)} read units (sample ${summary.sampleReadUnits.toFixed(1)}) · ${t.writeUnits.toFixed(1)} write units`,
    `  state transitions  ${summary.stateTransitions}`,
    '  tiers',
    table(t.tiers, t.usersScored, ORDER.tiers),
    '  RFM segments',
    table(t.segments, t.usersScored, ORDER.segments),
    '  quadrants',
    table(t.quadrants, t.usersScored, ORDER.quadrants),
  ].join('\n');
}

async function requireOk(connection: LocalConnection, method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const answer = await connection.request(method, path, { auth: 'marketer', ...(body === undefined ? {} : { body }) });
  if (answer.status >= 300) throw new Error(`${method} ${path} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  return answer.body as Record<string, unknown>;
}

function describeCost(cost: RunCost): string {
  const usd = (value: number) => `$${value.toFixed(4)}`;
  return [
    `one nightly scoring run for ${cost.users.toLocaleString('en')} users, at on-demand prices (arm64):`,
    `  DynamoDB reads     ${Math.round(cost.readUnits).toLocaleString('en').padStart(14)} RRU   ${usd(cost.usd.reads)}`,
    `  DynamoDB writes    ${Math.round(cost.writeUnits).toLocaleString('en').padStart(14)} WRU   ${usd(cost.usd.writes)}`,
    `  Step Functions     ${Math.round(cost.stateTransitions).toLocaleString('en').padStart(14)} transitions   ${usd(cost.usd.transitions)}`,
    `  Lambda             ${cost.lambdaGbSeconds.toFixed(1).padStart(14)} GB-s, ${Math.round(cost.lambdaRequests)} requests   ${usd(cost.usd.lambda)}`,
    `  total              ${usd(cost.usd.total)}  (${usd(cost.usdPerMillionUsers)} per million users)`,
  ].join('\n');
}

/** `rekindle score`, `rekindle tiers`, `rekindle cost score`. */
export function registerScoringCommands(program: Command): void {
  program
    .command('score')
    .description('run the nightly scoring workflow now on the running local system and print its summary')
    .option('--date <YYYY-MM-DD>', 'the day to score as of (default: today on the system clock)')
    .option('--data-dir <dir>', 'data folder of the running system', DEFAULT_DATA_DIR)
    .option('--json', 'machine-readable output')
    .action(async (options: { date?: string; dataDir: string; json?: boolean }) => {
      const connection = connectLocal(options.dataDir);
      const started = await requireOk(connection, 'POST', '/v1/scoring/runs', options.date ? { date: options.date } : {});
      const runId = String(started.runId);
      let bar: ReturnType<typeof progressBar> | undefined;
      for (;;) {
        const run = await requireOk(connection, 'GET', `/v1/scoring/runs/${encodeURIComponent(runId)}`);
        const progress = run.progress as { usersScored: number; estimatedUsers: number | null; segmentsDone: number; totalSegments: number | null };
        if (progress.estimatedUsers) {
          bar ??= progressBar(`scoring ${started.date}`, progress.estimatedUsers);
          bar.update(Math.min(progress.usersScored, progress.estimatedUsers), `${progress.segmentsDone}/${progress.totalSegments} segments`);
        }
        if (run.status !== 'RUNNING' && (run.summary || run.status !== 'SUCCEEDED')) {
          bar?.stop();
          if (run.status !== 'SUCCEEDED') throw new Error(`scoring run ${runId} ${String(run.status)}: ${String(run.error)} ${String(run.cause)}`);
          const summary = RunSummary.parse(run.summary);
          output(Boolean(options.json), summary, () => describeSummary(summary));
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      }
    });

  program
    .command('tiers')
    .description('the recall tier, RFM segment and quadrant distribution of the latest scoring run')
    .option('--data-dir <dir>', 'data folder of the running system', DEFAULT_DATA_DIR)
    .option('--json', 'machine-readable output')
    .action(async (options: { dataDir: string; json?: boolean }) => {
      const body = await requireOk(connectLocal(options.dataDir), 'GET', '/v1/tiers');
      const users = Number(body.users);
      output(Boolean(options.json), body, () =>
        [
          `latest scoring run ${String(body.runId)} for ${String(body.date)}: ${users} users`,
          '  tiers',
          table(body.tiers as Record<string, number>, users, ORDER.tiers),
          '  RFM segments',
          table(body.segments as Record<string, number>, users, ORDER.segments),
          '  quadrants',
          table(body.quadrants as Record<string, number>, users, ORDER.quadrants),
        ].join('\n'),
      );
    });

  const cost =
    program.commands.find((command) => command.name() === 'cost') ?? program.command('cost').description('what things cost on AWS at on-demand prices');
  cost
    .command('score')
    .description("USD per nightly scoring run, from the latest run's measured units and transitions, scaled to --users")
    .requiredOption('--users <n>', 'population to price', (value) => {
      const users = Number(value);
      if (!Number.isInteger(users) || users <= 0) throw new Error('--users must be a positive whole number');
      return users;
    })
    .option('--data-dir <dir>', 'data folder of the running system', DEFAULT_DATA_DIR)
    .option('--json', 'machine-readable output')
    .action(async (options: { users: number; dataDir: string; json?: boolean }) => {
      const body = await requireOk(connectLocal(options.dataDir), 'GET', '/v1/scoring/runs/latest');
      const result = nightlyRunCost(RunSummary.parse(body.summary), options.users);
      output(Boolean(options.json), result, () => describeCost(result));
    });
}
