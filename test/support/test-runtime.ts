import { inject } from 'vitest';
import { LocalRuntime, type LocalRuntimeOptions } from '../../infra/local/local-runtime';
import { freePorts } from '../../infra/local/preflight';

let runtimesStarted = 0;

/**
 * Starts the real local runtime (DynamoDB Local in memory, free ports) for an integration test file.
 * A jump of the clock fires each cron schedule once, at its latest missed occurrence: a test that
 * jumps months to reach a budget month must not run sixty nightly scorings behind its back.
 *
 * The global control group (5% of users get no marketing) is off unless a test asks for its
 * share: every other feature's tests address each user they create, and the group has its own
 * tests (test/integration/experiments).
 *
 * Every runtime uses the run's one DynamoDB Local (test/support/global-setup.ts) under an access
 * key of its own, so its tables are its own and are deleted when it stops.
 */
export async function startTestRuntime(
  options: { globalControlShare?: number } & Pick<LocalRuntimeOptions, 'consoleDir' | 'clockStartsAt'> = {},
): Promise<LocalRuntime> {
  const { globalControlShare, ...rest } = options;
  const context = { rekindle: { messaging: { contactPolicy: { globalControl: { share: globalControlShare ?? 0 } } } } };
  // Test files start runtimes in parallel processes; a port found free can be taken by another
  // before it is bound. Such a start fails cleanly, so try again on fresh ports.
  const sharedPort = inject('sharedDynamoDbPort');
  for (let attempt = 1; ; attempt++) {
    try {
      const sharedDynamoDb = sharedPort ? { port: sharedPort, accessKeyId: `test${process.pid}n${++runtimesStarted}` } : undefined;
      return await LocalRuntime.start({
        dataDir: null,
        ports: await freePorts(),
        ...(sharedDynamoDb ? { sharedDynamoDb } : {}),
        logLevel: 'ERROR',
        missedSchedules: 'latest',
        context,
        ...rest,
      });
    } catch (error) {
      if (attempt >= 3) throw error;
    }
  }
}

/** Calls the runtime's HTTP API as a client would. */
export async function call(
  runtime: LocalRuntime,
  method: string,
  path: string,
  options: { body?: unknown; rawBody?: string; contentType?: string; auth?: 'ingest' | 'marketer' | 'none'; apiKey?: string } = {},
): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const headers: Record<string, string> = {};
  const auth = options.auth ?? (method === 'GET' ? 'marketer' : 'ingest');
  if (auth === 'ingest') headers['x-api-key'] = options.apiKey ?? runtime.credentials.ingestKey;
  if (auth === 'marketer') headers.authorization = `Bearer ${runtime.credentials.marketerToken}`;
  const body = options.rawBody ?? (options.body !== undefined ? JSON.stringify(options.body) : undefined);
  if (body !== undefined) headers['content-type'] = options.contentType ?? 'application/json';
  const response = await fetch(`${runtime.apiUrl}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {}, headers: response.headers };
}

/** The local name of the template table whose logical id starts with `logicalIdPrefix` (e.g. `UsersTable`). */
export function tableNamed(runtime: LocalRuntime, logicalIdPrefix: string): string {
  const found = [...runtime.tables].find(([logicalId]) => logicalId.startsWith(logicalIdPrefix));
  if (!found) throw new Error(`no table ${logicalIdPrefix} in the local runtime`);
  return found[1];
}

/**
 * Moves the forward-only clock to `hour`:00 UTC more than a day ahead, then lets what that fired
 * finish. Moving more than a day always crosses every daily schedule (nightly scoring, the daily
 * health task) once, whatever the time of day the test starts at, and they run now, on the tables
 * as they are, not later over what a test writes by hand; and the test's sends fall at the same
 * time of day, so quiet hours treat them the same on every run.
 */
export async function moveToNextUtcHour(runtime: LocalRuntime, hour: number): Promise<void> {
  const dayLater = new Date(runtime.clock.now().getTime() + 86_400_000);
  const at = new Date(Date.UTC(dayLater.getUTCFullYear(), dayLater.getUTCMonth(), dayLater.getUTCDate(), hour));
  runtime.clock.setTo(at.getTime() > dayLater.getTime() ? at : new Date(at.getTime() + 86_400_000));
  await runtime.settle();
}

/** {@link moveToNextUtcHour} to noon: sends at whole days after it stay out of UTC users' quiet hours (21:00–09:00). */
export async function moveToNextNoonUtc(runtime: LocalRuntime): Promise<void> {
  await moveToNextUtcHour(runtime, 12);
}
