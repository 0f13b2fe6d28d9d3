import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

const CACHE_MS = 5 * 60 * 1000;

/** A Secrets Manager string secret, re-read at most every five minutes (rotation shows within that). */
export class CachedSecret {
  private cached: { value: string; until: number } | undefined;

  constructor(
    private readonly client: SecretsManagerClient,
    private readonly secretId: string,
  ) {}

  async value(): Promise<string> {
    if (this.cached && this.cached.until > Date.now()) return this.cached.value;
    const answer = await this.client.send(new GetSecretValueCommand({ SecretId: this.secretId }));
    if (!answer.SecretString) throw new Error('the secret has no string value');
    this.cached = { value: answer.SecretString, until: Date.now() + CACHE_MS };
    return this.cached.value;
  }
}

export { SecretsManagerClient };
