import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { LocalCredentials } from '../infra/local/credentials';
import { DEFAULT_DATA_DIR } from '../infra/local/local-runtime';

export const RuntimeState = z.object({
  apiUrl: z.string().url(),
  dynamodbEndpoint: z.string().url(),
  sesEndpoint: z.string().url(),
  snsSqsEndpoint: z.string().url(),
  tables: z.record(z.string(), z.string()),
  pid: z.number().int(),
});
export type RuntimeState = z.infer<typeof RuntimeState>;

export class NotRunningError extends Error {
  override readonly name = 'NotRunningError';
}

export function runtimeStateFile(dataDir: string): string {
  return join(resolve(dataDir), 'runtime.json');
}

export function writeRuntimeState(dataDir: string, state: RuntimeState): void {
  writeFileSync(runtimeStateFile(dataDir), JSON.stringify(state, null, 2));
}

/** How the CLI reaches a running local system: its state file and credentials in the data folder. */
export interface LocalConnection {
  state: RuntimeState;
  credentials: LocalCredentials;
  /** Calls the API with the right credentials; returns status and parsed JSON. */
  request(method: string, path: string, options?: { body?: unknown; auth?: 'ingest' | 'marketer' }): Promise<{ status: number; body: unknown }>;
}

export function connectLocal(dataDir: string = process.env.REKINDLE_DATA_DIR ?? DEFAULT_DATA_DIR): LocalConnection {
  const stateFile = runtimeStateFile(dataDir);
  const credentialsFile = join(resolve(dataDir), 'credentials.json');
  if (!existsSync(stateFile) || !existsSync(credentialsFile)) {
    throw new NotRunningError(`no local Rekindle found in ${dataDir}: start it with \`npm start\` (or pass --data-dir)`);
  }
  const state = RuntimeState.parse(JSON.parse(readFileSync(stateFile, 'utf8')));
  if (!isAlive(state.pid)) throw new NotRunningError(`the local Rekindle in ${dataDir} is not running (pid ${state.pid} is gone): start it with \`npm start\``);
  const credentials = LocalCredentials.parse(JSON.parse(readFileSync(credentialsFile, 'utf8')));
  return {
    state,
    credentials,
    async request(method, path, options = {}) {
      const headers: Record<string, string> = {};
      if (options.body !== undefined) headers['content-type'] = 'application/json';
      if (options.auth === 'ingest') headers['x-api-key'] = credentials.ingestKey;
      if (options.auth === 'marketer') headers.authorization = `Bearer ${credentials.marketerToken}`;
      const response = await fetch(`${state.apiUrl}${path}`, {
        method,
        headers,
        ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
      });
      const text = await response.text();
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // not JSON: keep the text
      }
      return { status: response.status, body };
    },
  };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Prints `value` as JSON or through `human`, per --json. */
export function output(json: boolean, value: unknown, human: () => string): void {
  process.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : `${human()}\n`);
}
