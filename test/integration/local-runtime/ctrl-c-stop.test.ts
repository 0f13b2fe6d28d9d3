import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../../infra/constructs/rekindle-function';
import { freePort } from '../../../infra/local/preflight';

/**
 * How many Ctrl-C stops the loop tries. The issue asks twenty; on the busy 2-core machine one start
 * takes 15–60 s, so `npm test` tries once (then the restart and the double Ctrl-C: three starts)
 * and `npm run test:scale` runs the twenty (REKINDLE_CTRL_C_TRIES).
 */
const TRIES = ctrlCTries();

function ctrlCTries(): number {
  const given = process.env.REKINDLE_CTRL_C_TRIES;
  if (given === undefined || given === '') return 1;
  const tries = Number(given);
  if (!Number.isInteger(tries) || tries <= 0) throw new Error(`REKINDLE_CTRL_C_TRIES must be a positive integer, got ${JSON.stringify(given)}`);
  return tries;
}
const START_TIMEOUT_MS = 180_000;
const STOP_TIMEOUT_MS = 120_000;
const DAY = 86_400_000;

interface RunningCli {
  child: ChildProcess;
  output: () => string;
  waitFor: (pattern: RegExp) => Promise<RegExpExecArray>;
  exited: Promise<number | null>;
  apiUrl: string;
  ingestKey: string;
  marketerToken: string;
}

const dataDirs: string[] = [];
let running: RunningCli | undefined;

/**
 * What `npm start` runs (`node --import tsx cli/main.ts start`, on the pinned Node), in its own
 * process group as a terminal's foreground job, on a temp data folder and free ports. Not through
 * npm itself: npm ends itself with the signal it got, whatever its script's exit code.
 */
async function startCli(dataDir: string): Promise<RunningCli> {
  // Ports found free can be taken by another test file's runtime before this one binds them; such
  // a start exits naming the port (EADDRINUSE). That race is not what this file tests: try again.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startCliOnce(dataDir);
    } catch (error) {
      if (attempt >= 3 || !String(error).includes('EADDRINUSE')) throw error;
      const cli = running;
      if (cli && cli.child.exitCode === null) {
        process.kill(-cli.child.pid!, 'SIGKILL');
        await cli.exited;
      }
      running = undefined;
    }
  }
}

async function startCliOnce(dataDir: string): Promise<RunningCli> {
  const ports = [await freePort(), await freePort(), await freePort(), await freePort(), await freePort(), await freePort()].map(String);
  const args = ['--import', 'tsx', 'cli/main.ts', 'start', '--data-dir', dataDir, '--no-seed', '--log-level', 'ERROR'];
  ['--port', '--dynamodb-port', '--ses-port', '--sns-port', '--sfn-port', '--events-port'].forEach((flag, i) => args.push(flag, ports[i]!));
  const child = spawn(join(REPO_ROOT, 'node_modules/.bin/node'), args, { cwd: REPO_ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  const waiters: Array<() => void> = [];
  const onData = (chunk: Buffer) => {
    text += chunk.toString();
    waiters.splice(0).forEach((wake) => wake());
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  // An exit wakes the waiters too: a start that fails says so at once, not at the timeout.
  child.once('close', () => waiters.splice(0).forEach((wake) => wake()));
  const waitFor = (pattern: RegExp) =>
    new Promise<RegExpExecArray>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${pattern} in the output:\n${text}`)), START_TIMEOUT_MS);
      const check = () => {
        const match = pattern.exec(text);
        if (match) {
          clearTimeout(timer);
          resolve(match);
        } else if (child.exitCode !== null) {
          clearTimeout(timer);
          reject(new Error(`exited (${child.exitCode}) before ${pattern}:\n${text}`));
        } else waiters.push(check);
      };
      check();
    });
  const cli: RunningCli = { child, output: () => text, waitFor, exited, apiUrl: '', ingestKey: '', marketerToken: '' };
  running = cli;
  cli.apiUrl = (await waitFor(/API\s+(http:\/\/127\.0\.0\.1:\d+)/))[1]!;
  await waitFor(/Ctrl-C to stop/);
  cli.ingestKey = (await waitFor(/ingest key\s+(\S+)/))[1]!;
  cli.marketerToken = (await waitFor(/marketer token\s+(\S+)/))[1]!;
  return cli;
}

/** Ctrl-C as a terminal sends it: SIGINT to every process of the foreground group. */
function pressCtrlC(cli: RunningCli): void {
  process.kill(-cli.child.pid!, 'SIGINT');
}

async function stopped(cli: RunningCli): Promise<number | null> {
  const code = await Promise.race([
    cli.exited,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`did not exit:\n${cli.output()}`)), STOP_TIMEOUT_MS)),
  ]);
  running = undefined;
  return code;
}

async function api(cli: RunningCli, method: string, path: string, body?: unknown) {
  const headers: Record<string, string> =
    path.startsWith('/local/') || method === 'GET' ? { authorization: `Bearer ${cli.marketerToken}` } : { 'x-api-key': cli.ingestKey };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${cli.apiUrl}${path}`, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

function tempDataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'rekindle-ctrl-c-'));
  dataDirs.push(dir);
  return dir;
}

afterAll(async () => {
  // A failed assertion must not leave a system running.
  if (running?.child.exitCode === null) {
    process.kill(-running.child.pid!, 'SIGTERM');
    await running.exited;
  }
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
});

describe('Ctrl-C on the `npm start` command', () => {
  it(
    `stops cleanly every time (${TRIES} tries), and a restart keeps the clock and the data`,
    { timeout: (TRIES + 1) * (START_TIMEOUT_MS + STOP_TIMEOUT_MS) },
    async () => {
      // Prepare
      const dataDir = tempDataDir();
      for (let attempt = 1; attempt <= TRIES; attempt++) {
        const cli = await startCli(dataDir);
        if (attempt === 1) {
          expect((await api(cli, 'PUT', '/v1/users/u-ctrl-c', { email: 'ctrl-c@example.test', timezone: 'Asia/Shanghai', locale: 'en' })).status).toBeLessThan(
            300,
          );
          expect((await api(cli, 'POST', '/local/clock/advance', { by: '2d' })).status).toBe(200);
        }

        // Act
        pressCtrlC(cli);
        const code = await stopped(cli);

        // Assess
        expect(cli.output(), `try ${attempt}`).toContain('stopped cleanly.');
        expect(code, `try ${attempt}:\n${cli.output()}`).toBe(0);
      }

      const restarted = await startCli(dataDir);
      const clock = await api(restarted, 'GET', '/local/clock');
      const user = await api(restarted, 'GET', '/v1/users/u-ctrl-c');
      pressCtrlC(restarted);
      expect(await stopped(restarted)).toBe(0);
      expect(Number(clock.body.offsetMs)).toBeGreaterThanOrEqual(2 * DAY);
      expect(user.status).toBe(200);
    },
  );

  it('stops cleanly when Ctrl-C comes twice in quick succession', { timeout: START_TIMEOUT_MS + STOP_TIMEOUT_MS }, async () => {
    // Prepare
    const cli = await startCli(tempDataDir());

    // Act
    pressCtrlC(cli);
    await cli.waitFor(/stopping…/);
    pressCtrlC(cli);
    const code = await stopped(cli);

    // Assess
    expect(cli.output()).toContain('stopped cleanly.');
    expect(code).toBe(0);
  });
});
