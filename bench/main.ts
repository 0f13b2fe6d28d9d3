import { runIngestBenchmarks } from './ingest';
import { runModelBenchmarks, type BenchRow } from './models';

/**
 * `npm run bench`: every figure with its baseline measured in the same run, as a ratio.
 * Speed is a goal here, never in tests: the machines are shared and noisy.
 */
const suites: Array<[string, () => Promise<BenchRow[]>]> = [
  ['models', runModelBenchmarks],
  ['ingest (in-memory DynamoDB Local)', () => runIngestBenchmarks({ persisted: false })],
  ['ingest (on-disk DynamoDB Local, the npm start default)', () => runIngestBenchmarks({ persisted: true, events: Number(process.env.REKINDLE_BENCH_EVENTS_DISK ?? 10_000) })],
];

const only = process.argv.slice(2);
const format = (value: number) => (Math.abs(value) >= 100 ? value.toFixed(0) : Math.abs(value) >= 1 ? value.toFixed(2) : value.toPrecision(3));

for (const [name, run] of suites) {
  if (only.length > 0 && !only.some((wanted) => name.startsWith(wanted))) continue;
  process.stdout.write(`\n## ${name}\n`);
  const rows = await run();
  for (const row of rows) {
    process.stdout.write(
      `- ${row.name}: ${format(row.measured)} ${row.unit} | baseline ${row.baselineName}: ${format(row.baseline)} ${row.unit} | ratio ${format(row.ratio)}${row.target ? ` | target ${row.target}` : ''}\n`,
    );
  }
}
