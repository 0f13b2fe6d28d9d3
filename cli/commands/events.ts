import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { MAX_EVENTS_PER_BATCH } from '../../shared/domain/events/behaviour-event';
import { DEFAULT_DATA_DIR } from '../../infra/local/local-runtime';
import { connectLocal, output } from '../local-connection';
import { progressBar } from '../progress';

/** `rekindle events send FILE.jsonl`: sends events through the API in batches. */
export function registerEventCommands(program: Command): void {
  const events = program.command('events').description('behaviour events');
  events
    .command('send')
    .description('send the events of a JSON Lines file (one event per line) through POST /v1/events')
    .argument('<file>', 'a .jsonl file, one event object per line')
    .option('--batch-size <n>', `events per request (1-${MAX_EVENTS_PER_BATCH})`, (v) => Number(v), 100)
    .option('--data-dir <dir>', 'data folder of the running system', DEFAULT_DATA_DIR)
    .option('--json', 'machine-readable output')
    .action(async (file: string, options: { batchSize: number; dataDir: string; json?: boolean }) => {
      if (!Number.isInteger(options.batchSize) || options.batchSize < 1 || options.batchSize > MAX_EVENTS_PER_BATCH) {
        throw new Error(`--batch-size must be between 1 and ${MAX_EVENTS_PER_BATCH}`);
      }
      const lines = readFileSync(file, 'utf8').split('\n');
      const parsed: unknown[] = [];
      lines.forEach((line, index) => {
        if (line.trim() === '') return;
        try {
          parsed.push(JSON.parse(line));
        } catch (error) {
          throw new Error(`${file}:${index + 1}: not valid JSON (${(error as Error).message}); nothing was sent`);
        }
      });
      if (parsed.length === 0) throw new Error(`${file} holds no events`);
      const connection = connectLocal(options.dataDir);
      const totals = { accepted: 0, batches: 0 };
      const bar = progressBar('sending events', parsed.length);
      try {
        for (let start = 0; start < parsed.length; start += options.batchSize) {
          const batch = parsed.slice(start, start + options.batchSize);
          const answer = await connection.request('POST', '/v1/events', { auth: 'ingest', body: { events: batch } });
          if (answer.status !== 202) {
            const body = answer.body as { message?: string; problems?: Array<{ index: number | null; path: string; message: string }> };
            const problems = (body.problems ?? []).map((p) => `  line ${p.index === null ? '?' : start + p.index + 1}: ${p.path}: ${p.message}`).join('\n');
            throw new Error(
              `batch starting at line ${start + 1} was rejected (${answer.status}): ${body.message ?? ''}\n${problems}\n${totals.accepted} events before it were accepted.`,
            );
          }
          totals.accepted += (answer.body as { accepted: number }).accepted;
          totals.batches += 1;
          bar.update(Math.min(parsed.length, start + batch.length));
        }
      } finally {
        bar.stop();
      }
      await connection.request('POST', '/local/settle', { auth: 'marketer' });
      output(
        Boolean(options.json),
        totals,
        () => `accepted ${totals.accepted} events in ${totals.batches} batch(es); an event id sent before counts once (its first content)`,
      );
    });
}
