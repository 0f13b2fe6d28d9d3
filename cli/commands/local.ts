import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { InvalidArgumentError, type Command } from 'commander';
import { buildConsole } from '../../console/build';
import { DEFAULT_DATA_DIR, DEFAULT_PORTS, LocalRuntime } from '../../infra/local/local-runtime';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../infra/local/local-aws';
import { seedPopulation, seedTablesOf, type SeedTables } from '../../infra/local/seed-population';
import type { SeedingProgress } from '../../infra/local/background-seeding';
import { POPULATION_DEFAULTS } from '../../shared/domain/seed';
import { connectLocal, output, writeRuntimeState } from '../local-connection';
import { progressBar } from '../progress';

export const positiveInt = (name: string) => (value: string) => {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed <= 0) throw new InvalidArgumentError(`${name} must be a positive whole number`);
  return parsed;
};
const port = (value: string) => {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1 || parsed > 65535) throw new InvalidArgumentError('must be a port number (1-65535)');
  return parsed;
};

async function runSeed(client: DynamoDBDocumentClient, tables: SeedTables, users: number, days: number, seed: number, endDate: Date) {
  const bar = progressBar('seeding users', users);
  try {
    return await seedPopulation(client, tables, { users, days, seed, endDate }, (done, _total, events) => bar.update(done, `${events} events`));
  } finally {
    bar.stop();
  }
}

/**
 * Signals closer together than this are one press of Ctrl-C: the terminal signals every process
 * of the group, and `npm run` relays the signal to its script as well.
 */
const SAME_PRESS_MS = 250;

/**
 * Stops the runtime on SIGINT or SIGTERM, listening for the whole shutdown so a signal that arrives
 * during it never ends the process half-way (Node's default for a signal nobody listens to). A
 * second Ctrl-C says it is still stopping; a third saves the clock and exits at once (code 130):
 * every write DynamoDB Local acknowledged is on disk already, and its JVM is killed on exit.
 */
function listenForStop(): { attach(runtime: LocalRuntime): void; detach(): void; stopped: Promise<void> } {
  let runtime: LocalRuntime | undefined;
  let presses = 0;
  let lastSignalAt = Number.NEGATIVE_INFINITY;
  let signalled: () => void = () => undefined;
  const firstSignal = new Promise<void>((resolve) => (signalled = resolve));
  const onSignal = () => {
    const now = Date.now();
    const newPress = now - lastSignalAt > SAME_PRESS_MS;
    lastSignalAt = now;
    if (!newPress) return;
    presses += 1;
    if (presses === 1) {
      process.stderr.write('\nstopping… (saving the clock, closing the API, emulators and DynamoDB Local)\n');
      signalled();
    }
    if (presses === 2) process.stderr.write('still stopping (the clock is saved); Ctrl-C once more to exit at once\n');
    if (presses >= 3) {
      runtime?.saveClock();
      process.stderr.write('exiting before the shutdown finished (the clock is saved)\n');
      process.exit(130);
    }
  };
  const detach = () => {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    process.removeListener('SIGHUP', onSignal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // A closed terminal too: DynamoDB Local has its own process group, so it must be stopped by us.
  process.on('SIGHUP', onSignal);
  let attached: () => void = () => undefined;
  const started = new Promise<void>((resolve) => (attached = resolve));
  const stopped = (async () => {
    await Promise.all([firstSignal, started]);
    try {
      await runtime!.stop();
    } finally {
      detach();
    }
  })();
  return {
    attach(value) {
      runtime = value;
      attached();
    },
    detach,
    stopped,
  };
}

function describeSeeding(progress: SeedingProgress | null): string {
  if (!progress) return 'nothing to seed';
  const counts = `${progress.done}/${progress.total} users, ${progress.events} events`;
  switch (progress.state) {
    case 'seeding':
      return progress.resuming ? `resuming where it stopped (${progress.total} users)` : `under way: ${counts}`;
    case 'done':
      return `done: ${counts}`;
    case 'stopped':
      return `stopped at ${counts} (the next start finishes it)`;
    case 'failed':
      return `failed at ${counts}: ${progress.error ?? 'unknown error'}`;
  }
}

/** The seeding's progress bar, and a line when it ends. */
function seedingReporter(say: (line: string) => void): (progress: SeedingProgress) => void {
  let bar: ReturnType<typeof progressBar> | undefined;
  return (progress) => {
    if (progress.state === 'seeding') {
      // A resumed seeding shows its bar once it has read where it stopped.
      if (progress.resuming) return;
      bar ??= progressBar('seeding users', progress.total);
      bar.update(progress.done, `${progress.events} events`);
      return;
    }
    bar?.stop();
    bar = undefined;
    say(`seeding ${describeSeeding(progress)}`);
  };
}

/** `rekindle start | status | seed | clock`: the local runtime and its controls. */
export function registerLocalCommands(program: Command): void {
  program
    .command('start')
    .description(
      'run the whole system locally: DynamoDB Local, the API, emulators, schedules. Ctrl-C stops cleanly (the clock and data are kept); during the shutdown a second Ctrl-C only says it is still stopping, a third saves the clock and exits at once',
    )
    .option('--data-dir <dir>', 'where data, the clock and local credentials live', DEFAULT_DATA_DIR)
    .option('--in-memory', 'keep nothing: data is gone when it stops')
    .option('--port <port>', 'HTTP API port', port, DEFAULT_PORTS.api)
    .option('--dynamodb-port <port>', 'DynamoDB Local port', port, DEFAULT_PORTS.dynamodb)
    .option('--ses-port <port>', 'SES emulator port', port, DEFAULT_PORTS.ses)
    .option('--sns-port <port>', 'SNS/SQS emulator port', port, DEFAULT_PORTS.snsSqs)
    .option('--sfn-port <port>', 'Step Functions endpoint port', port, DEFAULT_PORTS.stepFunctions)
    .option('--events-port <port>', 'EventBridge endpoint port', port, DEFAULT_PORTS.eventBridge)
    .option('--seed-users <n>', 'users to seed on an empty data folder', positiveInt('--seed-users'), POPULATION_DEFAULTS.users)
    .option('--no-seed', 'do not seed an empty data folder')
    .option('--log-level <level>', 'handler log level (DEBUG, INFO, WARN, ERROR)', 'WARN')
    .action(
      async (options: {
        dataDir: string;
        inMemory?: boolean;
        port: number;
        dynamodbPort: number;
        sesPort: number;
        snsPort: number;
        sfnPort: number;
        eventsPort: number;
        seedUsers: number;
        seed: boolean;
        logLevel: 'WARN';
      }) => {
        const started = Date.now();
        const say = (line: string) => process.stderr.write(`• ${line} (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
        // Listen from the first moment: a Ctrl-C during the start stops what has started, cleanly.
        const stop = listenForStop();
        // The marketer console: static files bundled (esbuild, about a second) while the runtime starts,
        // served at /console/ on the API's origin.
        const consoleDir = join(options.dataDir, 'console');
        const consoleBuilt = buildConsole(consoleDir);
        consoleBuilt.catch(() => undefined); // awaited once the runtime answers
        const runtime = await LocalRuntime.start({
          consoleDir,
          dataDir: options.inMemory ? null : options.dataDir,
          ports: {
            api: options.port,
            dynamodb: options.dynamodbPort,
            ses: options.sesPort,
            snsSqs: options.snsPort,
            stepFunctions: options.sfnPort,
            eventBridge: options.eventsPort,
          },
          logLevel: options.logLevel,
          report: say,
          warmHandlers: true,
          ...(options.seed
            ? { seed: { users: options.seedUsers, days: POPULATION_DEFAULTS.days, seed: POPULATION_DEFAULTS.seed, onProgress: seedingReporter(say) } }
            : {}),
        }).catch((error: unknown) => {
          stop.detach();
          throw error;
        });
        stop.attach(runtime);
        try {
          await consoleBuilt;
          // The CLI finds a running system through these files, in memory or not.
          mkdirSync(options.dataDir, { recursive: true });
          if (options.inMemory) writeFileSync(join(options.dataDir, 'credentials.json'), JSON.stringify(runtime.credentials, null, 2), { mode: 0o600 });
          writeRuntimeState(options.dataDir, {
            apiUrl: runtime.apiUrl,
            dynamodbEndpoint: runtime.dynamodb.endpoint,
            sesEndpoint: runtime.emulators.sesEndpoint,
            snsSqsEndpoint: runtime.emulators.snsSqsEndpoint,
            tables: Object.fromEntries(runtime.tables),
            pid: process.pid,
          });
        } catch (error) {
          stop.detach();
          await runtime.stop();
          throw error;
        }
        process.stdout.write(
          [
            '',
            `Rekindle is running locally (answering ${((Date.now() - started) / 1000).toFixed(1)} s after the start).`,
            `  API             ${runtime.apiUrl}`,
            `  console         ${runtime.consoleUrl}  (signs you in as the marketer)`,
            `  DynamoDB Local  ${runtime.dynamodb.endpoint}`,
            `  SES emulator    ${runtime.emulators.sesEndpoint}  (captured mail)`,
            `  SNS/SQS         ${runtime.emulators.snsSqsEndpoint}`,
            `  data folder     ${options.inMemory ? '(in memory)' : options.dataDir}`,
            `  clock           ${runtime.clock.now().toISOString()}`,
            `  seeding         ${describeSeeding(runtime.seedingProgress)}  (GET /local/ready, npm run rekindle -- status)`,
            '',
            `  ingest key      ${runtime.credentials.ingestKey}     (x-api-key, for POST /v1/events and PUT /v1/users/{id})`,
            `  marketer token  ${runtime.credentials.marketerToken}  (Authorization: Bearer, for GET routes and /local/*)`,
            '',
            'Try: npm run rekindle -- users show u-000001   ·   npm run rekindle -- clock advance 1d   ·   Ctrl-C to stop (once)',
            '',
          ].join('\n'),
        );
        await stop.stopped;
        process.stderr.write('stopped cleanly.\n');
      },
    );

  program
    .command('seed')
    .description('load a deterministic synthetic population into the running local system')
    .option('--users <n>', 'how many users', positiveInt('--users'), POPULATION_DEFAULTS.users)
    .option('--days <n>', 'days of history', positiveInt('--days'), POPULATION_DEFAULTS.days)
    .option('--seed <n>', 'random seed (same seed, same population)', positiveInt('--seed'), POPULATION_DEFAULTS.seed)
    .option('--data-dir <dir>', 'data folder of the running system', DEFAULT_DATA_DIR)
    .option('--json', 'machine-readable output')
    .action(async (options: { users: number; days: number; seed: number; dataDir: string; json?: boolean }) => {
      const connection = connectLocal(options.dataDir);
      const clock = await connection.request('GET', '/local/clock', { auth: 'marketer' });
      const now = new Date((clock.body as { now: string }).now);
      const client = DynamoDBDocumentClient.from(
        new DynamoDBClient({ endpoint: connection.state.dynamodbEndpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS }),
        { marshallOptions: { removeUndefinedValues: true } },
      );
      const result = await runSeed(client, seedTablesOf(connection.state.tables), options.users, options.days, options.seed, now);
      output(
        Boolean(options.json),
        result,
        () => `seeded ${result.users} users, ${result.events} events${result.resumedFrom ? ` (resumed at user ${result.resumedFrom})` : ''}`,
      );
    });

  program
    .command('status')
    .description('is the local system ready: the API answers, and how far seeding the demonstration population is')
    .option('--data-dir <dir>', 'data folder of the running system', DEFAULT_DATA_DIR)
    .option('--json', 'machine-readable output')
    .action(async (options: { dataDir: string; json?: boolean }) => {
      const connection = connectLocal(options.dataDir);
      const answer = await connection.request('GET', '/local/ready', { auth: 'marketer' });
      if (answer.status !== 200) throw new Error(`GET /local/ready answered ${answer.status}`);
      const body = answer.body as { ready: boolean; seeding: SeedingProgress | null };
      output(
        Boolean(options.json),
        body,
        () => `${body.ready ? 'ready' : 'not ready yet'} at ${connection.state.apiUrl}; seeding ${describeSeeding(body.seeding)}`,
      );
    });

  const clock = program.command('clock').description("the local runtime's controllable clock");
  clock
    .command('show')
    .description('show the virtual time')
    .option('--data-dir <dir>', 'data folder of the running system', DEFAULT_DATA_DIR)
    .option('--json', 'machine-readable output')
    .action(async (options: { dataDir: string; json?: boolean }) => {
      const answer = await connectLocal(options.dataDir).request('GET', '/local/clock', { auth: 'marketer' });
      const body = answer.body as { now: string; offsetMs: number; waiting: number };
      output(
        Boolean(options.json),
        body,
        () => `${body.now}  (ahead of wall time by ${(body.offsetMs / 86_400_000).toFixed(2)} days; ${body.waiting} waiting)`,
      );
    });
  clock
    .command('advance')
    .description('move the virtual clock forward, e.g. `clock advance 1d`; waits, schedules and programs due run')
    .argument('<duration>', 'how far: 90s, 30m, 6h, 1d, 2w or a sum like 1d12h')
    .option('--data-dir <dir>', 'data folder of the running system', DEFAULT_DATA_DIR)
    .option('--json', 'machine-readable output')
    .action(async (duration: string, options: { dataDir: string; json?: boolean }) => {
      const answer = await connectLocal(options.dataDir).request('POST', '/local/clock/advance', { auth: 'marketer', body: { by: duration } });
      if (answer.status !== 200) throw new Error((answer.body as { message?: string }).message ?? `clock advance failed (${answer.status})`);
      const body = answer.body as { now: string };
      output(Boolean(options.json), body, () => `clock is now ${body.now}`);
    });
}
