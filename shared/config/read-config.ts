import { z } from 'zod';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/**
 * Reads configuration from the environment once, validated against `schema`. A missing or bad
 * value throws at cold start naming the variable, instead of hiding behind a default.
 */
export function readConfig<T extends z.ZodType>(schema: T, env: NodeJS.ProcessEnv = process.env): z.infer<T> {
  const result = schema.safeParse(env);
  if (!result.success) {
    const details = result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new ConfigError(`invalid configuration: ${details}`, { cause: result.error });
  }
  return result.data;
}

/** A positive whole number given as an environment string. */
export const positiveIntFromEnv = z.coerce.number().int().positive();
