import { z } from 'zod';
import { httpHandler, MethodNotAllowedError } from '../../shared/adapters/http/http-api';
import { readConfig } from '../../shared/config/read-config';
import { NotFoundError } from '../../shared/domain/common/errors';

/** The API's paths and the methods each accepts, given by the stack that declares the routes. */
const Config = z.object({
  ALLOWED_METHODS: z.string().transform((text, context) => {
    const parsed = z.record(z.string(), z.array(z.string())).safeParse(JSON.parse(text));
    if (!parsed.success) {
      context.addIssue({ code: 'custom', message: 'must be a JSON object of path to methods' });
      return z.NEVER;
    }
    return parsed.data;
  }),
});

const { ALLOWED_METHODS: allowedMethods } = readConfig(Config);

/** Each known path as a pattern: a `{parameter}` stands for one non-empty segment. */
const knownPaths = Object.keys(allowedMethods).map((path) => ({
  path,
  pattern: new RegExp(`^${path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`),
}));

/**
 * `ANY /{proxy+}`, below every route with a method: a known path with another method answers 405
 * with `Allow`; a path the API does not have answers 404.
 */
export const handler = httpHandler(async (event) => {
  const method = event.requestContext.http.method;
  const known = knownPaths.find((candidate) => candidate.pattern.test(event.rawPath));
  if (!known) throw new NotFoundError(`the API has no path ${event.rawPath}`);
  throw new MethodNotAllowedError(method, known.path, allowedMethods[known.path] ?? []);
});
