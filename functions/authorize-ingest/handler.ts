import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { APIGatewayRequestAuthorizerEventV2 } from 'aws-lambda';
import { z } from 'zod';
import { isValidApiKey } from '../../shared/domain/auth/api-key';
import { readConfig } from '../../shared/config/read-config';

const config = readConfig(z.object({ INGEST_KEY_SECRET_ARN: z.string().min(1) }));
const secrets = new SecretsManagerClient({});
const CACHE_MS = 5 * 60 * 1000;
let cached: { key: string; until: number } | undefined;

async function ingestKey(): Promise<string> {
  if (cached && cached.until > Date.now()) return cached.key;
  const answer = await secrets.send(new GetSecretValueCommand({ SecretId: config.INGEST_KEY_SECRET_ARN }));
  if (!answer.SecretString) throw new Error('the ingest key secret has no string value');
  cached = { key: answer.SecretString, until: Date.now() + CACHE_MS };
  return cached.key;
}

/** HTTP API Lambda authorizer (simple responses) for event producers: the `x-api-key` header. */
export const handler = async (event: APIGatewayRequestAuthorizerEventV2): Promise<{ isAuthorized: boolean }> => {
  const presented = event.headers?.['x-api-key'];
  return { isAuthorized: isValidApiKey(presented, await ingestKey()) };
};
