import { spawnSync } from 'node:child_process';
import { createServer } from 'node:net';

export class PreflightError extends Error {
  override readonly name = 'PreflightError';
}

/** DynamoDB Local runs on the machine's Java; say how to get it when it is missing. */
export function requireJava(): void {
  const probe = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    throw new PreflightError(
      'Java was not found, and DynamoDB Local needs it. Install a Java runtime (17 or newer), e.g.\n' +
        '  sudo apt-get install -y openjdk-17-jre-headless   (Debian/Ubuntu)\n' +
        '  brew install openjdk@17                             (macOS)\n' +
        'then run `npm start` again.',
    );
  }
}

/** Fails with the fix when a port is taken, instead of a stack trace from deep inside a server. */
export async function requirePortFree(port: number, what: string, flag: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(
        new PreflightError(
          error.code === 'EADDRINUSE'
            ? `port ${port} (${what}) is already in use. Stop whatever holds it (is another \`npm start\` running?) or choose another port with ${flag} <port>.`
            : `cannot listen on port ${port} (${what}): ${error.message}`,
        ),
      );
    });
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => server.close(() => resolve()));
  });
}

/** Asks the OS for a free port (for tests that start their own runtime). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** A free loopback port for each of the runtime's servers (tests and benches run beside others). */
export async function freePorts(): Promise<{ api: number; dynamodb: number; ses: number; snsSqs: number; stepFunctions: number; eventBridge: number }> {
  return {
    api: await freePort(),
    dynamodb: await freePort(),
    ses: await freePort(),
    snsSqs: await freePort(),
    stepFunctions: await freePort(),
    eventBridge: await freePort(),
  };
}
