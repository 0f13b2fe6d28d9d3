import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { z } from 'zod';
import { createUnsubscribeKeyring, type UnsubscribeKeyring } from '../../domain/messaging';
import { UnsubscribeKeyUnavailableError } from './errors';

/**
 * The secret's value: either a plain string (one key, id `k1`, as the CDK generates it) or, after a
 * rotation, `{"current":{"id","secret"},"previous":[…]}` so links already in inboxes keep working.
 */
const RotatedSecret = z.object({
  current: z.object({ id: z.string(), secret: z.string() }),
  previous: z.array(z.object({ id: z.string(), secret: z.string() })).default([]),
});

const bytes = (text: string) => new Uint8Array(Buffer.from(text, 'utf8'));

/** Builds the keyring from the secret's text; throws naming the problem, never the key. */
export function keyringFromSecret(text: string): UnsubscribeKeyring {
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    let json: unknown;
    try {
      json = JSON.parse(trimmed);
    } catch (error) {
      throw new UnsubscribeKeyUnavailableError('the unsubscribe key secret looks like JSON but does not parse', { cause: error });
    }
    const parsed = RotatedSecret.safeParse(json);
    if (!parsed.success)
      throw new UnsubscribeKeyUnavailableError('the unsubscribe key secret JSON needs current.id and current.secret', { cause: parsed.error });
    return createUnsubscribeKeyring(
      { id: parsed.data.current.id, secret: bytes(parsed.data.current.secret) },
      parsed.data.previous.map((key) => ({ id: key.id, secret: bytes(key.secret) })),
    );
  }
  return createUnsubscribeKeyring({ id: 'k1', secret: bytes(trimmed) });
}

/**
 * Where the key comes from: Secrets Manager in AWS; on the local runtime, the key it generated in
 * its data folder and put in the environment (there is no Secrets Manager emulator).
 */
export type UnsubscribeKeySource = { kind: 'secrets-manager'; secretArn: string } | { kind: 'local'; key: string };

/** Loads the keyring once per process and caches it; a failed load is retried on the next call. */
export function unsubscribeKeyringLoader(source: UnsubscribeKeySource): () => Promise<UnsubscribeKeyring> {
  let loading: Promise<UnsubscribeKeyring> | undefined;
  const load = async (): Promise<UnsubscribeKeyring> => {
    if (source.kind === 'local') return keyringFromSecret(source.key);
    const answer = await new SecretsManagerClient({}).send(new GetSecretValueCommand({ SecretId: source.secretArn }));
    if (!answer.SecretString) throw new UnsubscribeKeyUnavailableError('the unsubscribe key secret has no string value');
    return keyringFromSecret(answer.SecretString);
  };
  return () => {
    loading ??= load().catch((error: unknown) => {
      loading = undefined;
      throw error;
    });
    return loading;
  };
}
