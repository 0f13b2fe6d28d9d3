import { z } from 'zod';
import { httpHandler, MethodNotAllowedError } from '../../shared/adapters/http/http-api';
import { readConfig } from '../../shared/config/read-config';

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

/** `ANY <path>`: the API has the path but not this method; answers 405 with `Allow`. */
export const handler = httpHandler(async (event) => {
  const path = event.routeKey.replace(/^ANY /, '');
  throw new MethodNotAllowedError(event.requestContext.http.method, path, allowedMethods[path] ?? []);
});
