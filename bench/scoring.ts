/**
 * Nightly scoring on the local runtime: the real workflow (schedule-shaped input, the same state
 * machine, handlers and DynamoDB Local) over a seeded population, against the bare parallel scan
 * and batch write of the same items in the same run, and the AWS cost of a night per million users
 * from the units the run measured.
 */
import { performance } from 'node:perf_hooks';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { LocalRuntime } from '../infra/local/local-runtime';
import { appWithout } from './app-without';
import { freePorts } from '../infra/local/preflight';
import { DynamoScoreSink } from '../shared/adapters/scoring/dynamo-score-sink';
import { forEachConcurrently } from '../shared/adapters/dynamodb/client';
import { batchDelete } from '../shared/adapters/dynamodb/batch';
import { keys } from '../shared/adapters/dynamodb/keys';
import { scoringKeys } from '../shared/adapters/scoring/scoring-keys';
import { estimatedAwsLambdaMs, nightlyRunCost, RunSummary, type StoredScore } from '../shared/domain/scoring-run';
import { DEFAULT_JOURNEY_INPUTS } from '../shared/domain/journeys';
import type { BenchRow } from './models';
import { jvmCpuSince } from './process-cpu';

const SEGMENTS = 8;
const DAY = 86_400_000;

/**
 * The app as deployed, automatic recall included (the rule that consumes TierChanged and enrols
 * the users whose tier changed runs beside the scoring, in this process, as it does every night),
 * less the nightly schedule: the bench advances the clock a day between its two runs, which would
 * fire the scheduled run for that night at the same time as the bench's own.
 */
const LEFT_OUT = new Set(['NightlyScoringSchedule']);

/** The API as a marketer calls it. */
async function callApi(runtime: LocalRuntime, method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(`${runtime.apiUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${runtime.credentials.marketerToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const answer = (await response.json()) as Record<string, unknown>;
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(answer)}`);
  return answer;
}

/** Executions of the recall journeys' machine (what recall started). */
async function recallExecutions(runtime: LocalRuntime): Promise<number> {
  return (await runtime.stepFunctions!.listExecutions(runtime.stateMachineArn('JourneysRecallJourneyStateMachine'))).length;
}

/** Every page of a parallel scan of `table` (SEGMENTS segments at once), handed to `onPage`. */
async function scanInSegments(
  client: DynamoDBDocumentClient,
  input: Omit<ConstructorParameters<typeof ScanCommand>[0], 'Segment' | 'TotalSegments' | 'ExclusiveStartKey'>,
  onPage: (items: Record<string, unknown>[]) => void,
): Promise<void> {
  await forEachConcurrently(
    Array.from({ length: SEGMENTS }, (_, i) => i),
    SEGMENTS,
    async (segment) => {
      let startKey: Record<string, unknown> | undefined;
      do {
        const page = await client.send(new ScanCommand({ ...input, Segment: segment, TotalSegments: SEGMENTS, ExclusiveStartKey: startKey }));
        onPage(page.Items ?? []);
        startKey = page.LastEvaluatedKey;
      } while (startKey);
    },
  );
}

/** The bare work: scan every segment in parallel, 1 MB pages, then write `items` in batches of 25. */
async function bareScanAndWrite(client: DynamoDBDocumentClient, table: string, items: readonly StoredScore[]): Promise<number> {
  const started = performance.now();
  let read = 0;
  const sink = new DynamoScoreSink(client, table);
  const perSegment = Math.ceil(items.length / SEGMENTS);
  await forEachConcurrently(
    Array.from({ length: SEGMENTS }, (_, i) => i),
    SEGMENTS,
    async (segment) => {
      let startKey: Record<string, unknown> | undefined;
      do {
        const page = await client.send(
          new ScanCommand({ TableName: table, Segment: segment, TotalSegments: SEGMENTS, ExclusiveStartKey: startKey, ReturnConsumedCapacity: 'TOTAL' }),
        );
        read += page.Items?.length ?? 0;
        startKey = page.LastEvaluatedKey;
      } while (startKey);
      await sink.write(items.slice(segment * perSegment, (segment + 1) * perSegment));
    },
  );
  if (read === 0) throw new Error('the bare scan read nothing');
  return performance.now() - started;
}

export async function runScoringBenchmarks(): Promise<BenchRow[]> {
  const users = Number(process.env.REKINDLE_BENCH_USERS ?? 20_000);
  const log = (line: string) => process.stderr.write(`[scoring bench] ${line}\n`);
  let lastLogged = 0;
  const benchStarted = performance.now();
  const seedingStarted = benchStarted;
  // Seeded by the runtime's own background seeding, as `npm start` seeds: the seeder writes the
  // aggregates itself, and its raw events are not handed to the stream consumers a second time
  // (seeding through `seedPopulation` directly sent 120 days of raw events through the loyalty
  // consumer, which did not settle within 300 s at 20,000 users).
  const runtime = await LocalRuntime.start(
    {
      dataDir: null,
      ports: await freePorts(),
      logLevel: 'ERROR',
      seed: {
        users,
        days: 120,
        seed: 42,
        // The seeded users are the runtime's own; the 30 days of product health it then computes
        // from them (minutes at this size) are not read by scoring.
        healthBackfill: false,
        onProgress: (progress) => {
          if (progress.done - lastLogged >= 5_000 || progress.state !== 'seeding') {
            lastLogged = progress.done;
            log(`seeding ${progress.state}: ${progress.done}/${progress.total} at ${((performance.now() - seedingStarted) / 1000).toFixed(0)} s`);
          }
        },
      },
    },
    appWithout(LEFT_OUT),
  );
  try {
    log(`ports ${JSON.stringify(runtime.options.ports)}`);
    log('automatic recall is enabled: the TierChangedRule enrols the users whose tier changed, in this process, during each run');
    const client = DynamoDBDocumentClient.from(runtime.dynamodb.client, { marshallOptions: { removeUndefinedValues: true } });
    const table = (prefix: string) => [...runtime.tables].find(([id]) => id.startsWith(prefix))![1];
    const usersTable = table('UsersTable');
    for (;;) {
      const progress = runtime.seedingProgress;
      if (progress?.state === 'done') break;
      if (progress && progress.state !== 'seeding') throw new Error(`seeding ${progress.state}: ${progress.error ?? ''}`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    await runtime.settle();
    log(`seeded ${users} users in ${((performance.now() - seedingStarted) / 1000).toFixed(0)} s`);

    // Automatic recall as a deployment runs it: the five standing recall journeys (the defaults),
    // running and automatic, so every TierChanged into R1–R5 enrolls its user and starts an
    // execution. Each begins with a two-day wait, so the bench times the enrollments and starts,
    // not the journeys' sends (the journeys bench times those); the next night, one day on, comes
    // before any send. Their own audience matches nobody: only recall enrolls.
    for (const tier of ['R1', 'R2', 'R3', 'R4', 'R5'] as const) {
      const defaults = DEFAULT_JOURNEY_INPUTS[tier];
      const definition = { ...defaults, automatic: true, steps: [{ kind: 'wait', days: 2 }, ...defaults.steps] };
      await callApi(runtime, 'POST', '/v1/journeys', { definition, audience: { clv: { min: 999_999_999 } } });
    }
    await runtime.settle();
    log('launched the automatic recall journeys recall-r1 … recall-r5 (running, automatic, a two-day wait first)');

    const machine = runtime.stateMachineArn('ScoringNightlyScoringStateMachine');
    const score = async (date: string) => {
      const started = performance.now();
      // This process runs the handlers, the SDK and the local engine; DynamoDB Local is its own
      // JVM. Its CPU time is therefore an upper bound on what the handlers computed.
      const cpuBefore = process.cpuUsage();
      const jvm = jvmCpuSince(runtime.dynamodb.pid);
      const { executionArn } = await runtime.stepFunctions!.startExecution({
        stateMachineArn: machine,
        name: `bench-${date}`,
        input: JSON.stringify({ date }),
      });
      const record = await runtime.stepFunctions!.waitForExecution(executionArn);
      const wallMs = performance.now() - started;
      const cpu = process.cpuUsage(cpuBefore);
      const cpuMs = (cpu.user + cpu.system) / 1000;
      const { cpu: jvmSeconds, compiler: jitSeconds } = jvm();
      if (record.status !== 'SUCCEEDED') throw new Error(`bench run ${date} ${record.status}: ${record.error} ${record.cause}`);
      const summary = RunSummary.parse(JSON.parse(record.output!));
      log(
        `run ${date}: ${(wallMs / 1000).toFixed(1)} s, ${summary.totals.usersScored} users, ${summary.totals.itemsWritten} written, ${summary.totals.readUnits.toFixed(0)} RRU, ${summary.totals.writeUnits.toFixed(0)} WRU, ${summary.stateTransitions} transitions, ${summary.totals.tierChanges} tier changes`,
      );
      log(
        `  handler process CPU ${(cpuMs / 1000).toFixed(1)} s, DynamoDB Local's ${jvmSeconds.toFixed(1)} s (its JIT compiler's ${jitSeconds.toFixed(1)} s); summed invocation wall time ${(summary.totals.lambdaMs / 1000).toFixed(1)} s`,
      );
      // Recall runs beside the run and goes on after it: its enrollments, the paced starts and the
      // journeys' first steps. Timed to the end, so none of it runs during the bare baseline.
      const executionsBefore = await recallExecutions(runtime);
      await runtime.settle();
      const settledMs = performance.now() - started;
      const startedByRecall = (await recallExecutions(runtime)) - executionsBefore;
      log(
        `  recall settled ${(settledMs / 1000).toFixed(1)} s after the run started (${((settledMs - wallMs) / 1000).toFixed(1)} s after it ended): ${startedByRecall} recall executions started`,
      );
      return { wallMs, cpuMs, summary, transitions: record.stateTransitions, settledMs, recallStarted: startedByRecall };
    };

    // The bare baseline of a run: the same scan, and as many writes of the same items as the run
    // wrote (copies under other keys, deleted again untimed so the next run scans the same table).
    const storedScores: StoredScore[] = [];
    const bareFor = async (itemsWritten: number) => {
      if (storedScores.length === 0) {
        // Untimed, but in parallel segments: one filtered scan of the whole table took longer than
        // the run itself at 100,000 users.
        await scanInSegments(client, { TableName: usersTable, FilterExpression: 'sk = :sk', ExpressionAttributeValues: { ':sk': 'SCORE' } }, (items) => {
          // The score alone, under another user: a copy that kept the item's keys overwrote the
          // real score (until 2026-12-03), so the next night rewrote every changed score's index key.
          for (const { pk: _pk, sk: _sk, audienceShard: _shard, audienceKey: _key, clvBand: _band, ...score } of items)
            storedScores.push({ ...(score as StoredScore), userId: `${String(score.userId)}#bare` });
        });
        // The same copies in the same order every night, whatever order the segments finished in.
        storedScores.sort((a, b) => (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0));
      }
      const copies = storedScores.slice(0, itemsWritten);
      const cpuBefore = process.cpuUsage();
      const jvm = jvmCpuSince(runtime.dynamodb.pid);
      const bareMs = await bareScanAndWrite(client, usersTable, copies);
      const cpu = process.cpuUsage(cpuBefore);
      const { cpu: jvmSeconds, compiler: jitSeconds } = jvm();
      await batchDelete(
        client,
        usersTable,
        copies.map((score) => ({ pk: keys.userPk(score.userId), sk: scoringKeys.scoreSk })),
      );
      log(
        `bare parallel scan + batch write of ${copies.length} items: ${(bareMs / 1000).toFixed(1)} s (this process's CPU ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s, DynamoDB Local's ${jvmSeconds.toFixed(1)} s, its JIT compiler's ${jitSeconds.toFixed(1)} s)`,
      );
      return bareMs;
    };

    // DynamoDB Local compiles its scan path on the first large scan: measured on a table of 100,000
    // items, the first full parallel scan cost it 6.7 s of CPU (1.3 s of it in the JIT compiler),
    // the next ones 2.5–2.7 s. Seeding only wrote, so without this the first night alone would pay
    // for that (AWS has no such cost) and its bare baseline, run after it, would not. One untimed
    // bare scan first warms the read path for both.
    const warmUpStarted = performance.now();
    const warmUpJvm = jvmCpuSince(runtime.dynamodb.pid);
    await scanInSegments(client, { TableName: usersTable }, () => {});
    log(
      `warm-up: a bare parallel scan of the table, untimed: ${((performance.now() - warmUpStarted) / 1000).toFixed(1)} s (DynamoDB Local's JIT compiler ${warmUpJvm().compiler.toFixed(1)} s)`,
    );

    const today = runtime.clock.now().toISOString().slice(0, 10);
    const first = await score(today);
    const bareMs = await bareFor(first.summary.totals.itemsWritten);

    // A day passes between the nights: the day's schedules (hourly audience summary, sweeps, daily
    // health) fire for the skipped hours, and are done before the next night starts, as they would be.
    runtime.clock.advance(DAY);
    await runtime.settle();
    const nextDay = new Date(Date.parse(`${today}T00:00:00Z`) + DAY).toISOString().slice(0, 10);
    const nightly = await score(nextDay);
    const nightlyBareMs = await bareFor(nightly.summary.totals.itemsWritten);
    const costOf = (run: typeof first) => ({
      local: nightlyRunCost(run.summary, 1_000_000),
      aws: nightlyRunCost(run.summary, 1_000_000, { lambdaMs: estimatedAwsLambdaMs(run.summary, run.cpuMs) }),
    });
    const firstCost = costOf(first).aws;
    const nightlyCosts = costOf(nightly);
    const nightlyCost = nightlyCosts.aws;
    const describe = (cost: typeof firstCost) =>
      `${cost.usdPerMillionUsers.toFixed(3)} USD (reads ${cost.usd.reads.toFixed(3)}, writes ${cost.usd.writes.toFixed(3)}, transitions ${cost.usd.transitions.toFixed(4)}, lambda ${cost.usd.lambda.toFixed(4)})`;
    log(`cost per million users, Lambda at AWS latencies: first run ${describe(firstCost)}; next night ${describe(nightlyCost)}`);
    log(`next night with Lambda billed at this machine's wall time against DynamoDB Local: ${describe(nightlyCosts.local)}`);

    log(`the whole bench took ${((performance.now() - benchStarted) / 1000).toFixed(0)} s`);
    return [
      {
        name: `end-to-end scoring of ${users.toLocaleString('en')} users (first run, every score written; automatic recall enabled: ${first.summary.totals.tierChanges.toLocaleString('en')} TierChanged events, ${first.recallStarted.toLocaleString('en')} recall executions started, recall settled ${(first.settledMs / 1000).toFixed(1)} s after the run began)`,
        measured: first.wallMs / 1000,
        unit: 's',
        baselineName: 'bare parallel scan + batch write of the same items',
        baseline: bareMs / 1000,
        ratio: bareMs / first.wallMs,
        target: '≥ 0.67 (within 1.5x of the bare reads and writes)',
      },
      {
        name: `end-to-end scoring, next night (${nightly.summary.totals.itemsWritten.toLocaleString('en')} changed items written; automatic recall enabled: ${nightly.summary.totals.tierChanges.toLocaleString('en')} TierChanged events, ${nightly.recallStarted.toLocaleString('en')} recall executions started, recall settled ${(nightly.settledMs / 1000).toFixed(1)} s after the run began)`,
        measured: nightly.wallMs / 1000,
        unit: 's',
        baselineName: 'bare parallel scan + batch write of as many items',
        baseline: nightlyBareMs / 1000,
        ratio: nightlyBareMs / nightly.wallMs,
        target: '≥ 0.67 (within 1.5x of the bare reads and writes)',
      },
      {
        name: 'USD per million users per nightly run (next night: measured units, handler CPU, Lambda waits at assumed AWS latencies)',
        measured: nightlyCost.usdPerMillionUsers,
        unit: 'USD',
        baselineName: 'budget',
        baseline: 0.5,
        ratio: 0.5 / nightlyCost.usdPerMillionUsers,
        target: '≤ 0.50 USD (ratio ≥ 1)',
      },
      {
        name: 'USD per million users, first run (every score written; same estimate)',
        measured: firstCost.usdPerMillionUsers,
        unit: 'USD',
        baselineName: 'budget',
        baseline: 0.5,
        ratio: 0.5 / firstCost.usdPerMillionUsers,
      },
    ];
  } finally {
    await runtime.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const row of await runScoringBenchmarks()) process.stdout.write(`${JSON.stringify(row)}\n`);
}
