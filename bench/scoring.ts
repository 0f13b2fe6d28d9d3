/**
 * Nightly scoring on the local runtime: the real workflow (schedule-shaped input, the same state
 * machine, handlers and DynamoDB Local) over a seeded population, against the bare parallel scan
 * and batch write of the same items in the same run, and the AWS cost of a night per million users
 * from the units the run measured.
 */
import { performance } from 'node:perf_hooks';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { LocalRuntime } from '../infra/local/local-runtime';
import { SynthesizedApp } from '../infra/local/template';
import { buildRekindleApp } from '../infra/rekindle-app';
import { freePort } from '../infra/local/preflight';
import { seedPopulation } from '../infra/local/seed-population';
import { DynamoScoreSink } from '../shared/adapters/scoring/dynamo-score-sink';
import { forEachConcurrently } from '../shared/adapters/dynamodb/client';
import { nightlyRunCost, RunSummary, type StoredScore } from '../shared/domain/scoring-run';
import type { BenchRow } from './models';

const SEGMENTS = 8;
const DAY = 86_400_000;

/**
 * The app as deployed, less the rules that consume TierChanged (automatic recall): the local bus
 * runs consumers in this same process, and a first run over a fresh population enrols most of it,
 * which would time the journeys rather than the scoring.
 */
function appWithoutTierChangedConsumers(): SynthesizedApp {
  const { app, stacks } = buildRekindleApp({ bundle: false, nag: false });
  for (const stack of stacks) {
    for (const construct of stack.node.findAll()) {
      for (const child of [...construct.node.children]) {
        if (child.node.id === 'TierChangedRule') construct.node.tryRemoveChild(child.node.id);
      }
    }
  }
  return SynthesizedApp.fromApp(app, stacks);
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
        const page = await client.send(new ScanCommand({ TableName: table, Segment: segment, TotalSegments: SEGMENTS, ExclusiveStartKey: startKey, ReturnConsumedCapacity: 'TOTAL' }));
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
  const users = Number(process.env.REKINDLE_BENCH_USERS ?? 100_000);
  const log = (line: string) => process.stderr.write(`[scoring bench] ${line}\n`);
  const runtime = await LocalRuntime.start({
    dataDir: null,
    ports: { api: await freePort(), dynamodb: await freePort(), ses: await freePort(), snsSqs: await freePort(), stepFunctions: await freePort(), eventBridge: await freePort() },
    logLevel: 'ERROR',
  }, appWithoutTierChangedConsumers());
  try {
    log(`ports ${JSON.stringify(runtime.options.ports)}`);
    const client = DynamoDBDocumentClient.from(runtime.dynamodb.client, { marshallOptions: { removeUndefinedValues: true } });
    const table = (prefix: string) => [...runtime.tables].find(([id]) => id.startsWith(prefix))![1];
    const usersTable = table('UsersTable');
    let seeded = performance.now();
    await seedPopulation(client, { users: usersTable, events: table('EventsTable'), operations: table('OperationsTable') }, { users, days: 120, seed: 42, endDate: runtime.clock.now() }, (done) => {
      if (done % 10_000 === 0) log(`seeded ${done}/${users}`);
    });
    await runtime.settle();
    seeded = performance.now() - seeded;
    log(`seeded ${users} users in ${(seeded / 1000).toFixed(0)} s`);

    const machine = runtime.stateMachineArn('ScoringNightlyScoringStateMachine');
    const score = async (date: string) => {
      const started = performance.now();
      const { executionArn } = await runtime.stepFunctions!.startExecution({ stateMachineArn: machine, name: `bench-${date}`, input: JSON.stringify({ date }) });
      const record = await runtime.stepFunctions!.waitForExecution(executionArn);
      const wallMs = performance.now() - started;
      if (record.status !== 'SUCCEEDED') throw new Error(`bench run ${date} ${record.status}: ${record.error} ${record.cause}`);
      const summary = RunSummary.parse(JSON.parse(record.output!));
      log(`run ${date}: ${(wallMs / 1000).toFixed(1)} s, ${summary.totals.usersScored} users, ${summary.totals.itemsWritten} written, ${summary.totals.readUnits.toFixed(0)} RRU, ${summary.totals.writeUnits.toFixed(0)} WRU, ${summary.stateTransitions} transitions, ${summary.totals.tierChanges} tier changes`);
      return { wallMs, summary, transitions: record.stateTransitions };
    };

    const today = runtime.clock.now().toISOString().slice(0, 10);
    const first = await score(today);
    // The same items the run wrote, as the bare baseline's writes (same size, same table).
    const written: StoredScore[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await client.send(new ScanCommand({ TableName: usersTable, FilterExpression: 'sk = :sk', ExpressionAttributeValues: { ':sk': 'SCORE' }, ExclusiveStartKey: startKey }));
      for (const item of page.Items ?? []) written.push({ ...(item as StoredScore), userId: `${String(item.userId)}#bare` });
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    const bareMs = await bareScanAndWrite(client, usersTable, written);
    log(`bare parallel scan + batch write of ${written.length} items: ${(bareMs / 1000).toFixed(1)} s`);

    runtime.clock.advance(DAY);
    const nextDay = new Date(Date.parse(`${today}T00:00:00Z`) + DAY).toISOString().slice(0, 10);
    const nightly = await score(nextDay);
    const firstCost = nightlyRunCost(first.summary, 1_000_000);
    const nightlyCost = nightlyRunCost(nightly.summary, 1_000_000);
    log(`cost per million users: first run ${firstCost.usdPerMillionUsers.toFixed(3)} USD (reads ${firstCost.usd.reads.toFixed(3)}, writes ${firstCost.usd.writes.toFixed(3)}, transitions ${firstCost.usd.transitions.toFixed(4)}, lambda ${firstCost.usd.lambda.toFixed(4)}); next night ${nightlyCost.usdPerMillionUsers.toFixed(3)} USD (reads ${nightlyCost.usd.reads.toFixed(3)}, writes ${nightlyCost.usd.writes.toFixed(3)}, lambda ${nightlyCost.usd.lambda.toFixed(4)})`);

    return [
      {
        name: `end-to-end scoring of ${users.toLocaleString('en')} users (first run, every score written)`,
        measured: first.wallMs / 1000,
        unit: 's',
        baselineName: 'bare parallel scan + batch write of the same items',
        baseline: bareMs / 1000,
        ratio: bareMs / first.wallMs,
        target: '≥ 0.67 (within 1.5x of the bare reads and writes)',
      },
      {
        name: `end-to-end scoring, next night (${nightly.summary.totals.itemsWritten.toLocaleString('en')} changed items written)`,
        measured: nightly.wallMs / 1000,
        unit: 's',
        baselineName: 'bare parallel scan + batch write of every item',
        baseline: bareMs / 1000,
        ratio: bareMs / nightly.wallMs,
      },
      {
        name: 'USD per million users per nightly run (next night, measured units)',
        measured: nightlyCost.usdPerMillionUsers,
        unit: 'USD',
        baselineName: 'budget',
        baseline: 0.5,
        ratio: 0.5 / nightlyCost.usdPerMillionUsers,
        target: '≤ 0.50 USD (ratio ≥ 1)',
      },
      {
        name: 'USD per million users, first run (every score written)',
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
