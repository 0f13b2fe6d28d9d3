import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';

export const LocalCredentials = z.object({
  ingestKey: z.string().min(20),
  marketerToken: z.string().min(20),
  unsubscribeSigningKey: z.string().min(32),
});
export type LocalCredentials = z.infer<typeof LocalCredentials>;

/**
 * The local runtime's secrets, generated once per data folder and kept in a file only its owner
 * can read (in AWS they live in Secrets Manager). Never printed except the keys a developer needs.
 */
export function loadOrCreateCredentials(file: string | null): LocalCredentials {
  if (file && existsSync(file)) return LocalCredentials.parse(JSON.parse(readFileSync(file, 'utf8')));
  const credentials: LocalCredentials = {
    ingestKey: `rk_ingest_${randomBytes(18).toString('base64url')}`,
    marketerToken: `rk_marketer_${randomBytes(18).toString('base64url')}`,
    unsubscribeSigningKey: randomBytes(32).toString('base64url'),
  };
  if (file) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify(credentials, null, 2), { mode: 0o600 });
    chmodSync(file, 0o600);
  }
  return credentials;
}
