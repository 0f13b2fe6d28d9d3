import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { runCheckinSweepBenchmarks } from './checkin-sweep';
import { runIngestBenchmarks } from './ingest';
import { runJourneyBenchmarks } from './journeys';
import { runModelBenchmarks, type BenchRow } from './models';
import { runScoringBenchmarks } from './scoring';

/**
 * `npm run bench [-- PREFIX]`: every figure with its baseline measured in the same run, as a
 * ratio. Speed is a goal here, never in tests: the machines are shared and noisy.
 */
const suites: Array<[string, () => Promise<BenchRow[]>]> = [
  ['models', runModelBenchmarks],
  ['ingest-in-memory', () => runIngestBenchmarks({ persisted: false })],
  ['ingest-on-disk', () => runIngestBenchmarks({ persisted: true, events: Number(process.env.REKINDLE_BENCH_EVENTS_DISK ?? 5_000) })],
  ['scoring', runScoringBenchmarks],
  ['checkin-sweep', runCheckinSweepBenchmarks],
  ['journeys', runJourneyBenchmarks],
];

const format = (value: number) => (Math.abs(value) >= 100 ? value.toFixed(0) : Math.abs(value) >= 1 ? value.toFixed(2) : value.toPrecision(3));

const [argument, child] = process.argv.slice(2);
if (child === '--child') {
  const suite = suites.find(([name]) => name === argument)!;
  process.stdout.write(`\n## ${suite[0]}\n`);
  for (const row of await suite[1]()) {
    process.stdout.write(
      `- ${row.name}: ${format(row.measured)} ${row.unit} | baseline ${row.baselineName}: ${format(row.baseline)} ${row.unit} | ratio ${format(row.ratio)}${row.target ? ` | target ${row.target}` : ''}\n`,
    );
  }
  process.exit(0);
}

// Each suite runs in its own process: handlers keep one AWS client per process, bound to the
// local runtime started first (as one Lambda container serves one account).
for (const [name] of suites.filter(([candidate]) => !argument || candidate.startsWith(argument))) {
  const run = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), name, '--child'], { stdio: 'inherit' });
  if (run.status !== 0) process.exitCode = run.status ?? 1;
}
