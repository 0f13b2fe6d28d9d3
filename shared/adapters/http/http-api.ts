import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { InvalidInputError, RekindleError, UnavailableError, type ErrorKind } from '../../domain/common';
import { logger } from '../observability/logger';

/**
 * The one table from error kind to HTTP status, for every route. Nothing else in the code base
 * chooses a status for an error.
 */
export const HTTP_STATUS_OF_KIND: Record<ErrorKind, number> = {
  invalid: 400,
  forbidden: 403,
  'not-found': 404,
  'method-not-allowed': 405,
  conflict: 409,
  unsupported: 415,
  internal: 500,
  unavailable: 503,
};

/** The path exists but not with this method: answered 405 with the `Allow` header. */
export class MethodNotAllowedError extends RekindleError {
  override readonly name = 'MethodNotAllowedError';
  constructor(
    method: string,
    path: string,
    readonly allow: readonly string[],
  ) {
    super('method-not-allowed', `${method} is not allowed on ${path}; it accepts ${allow.join(', ') || 'no method'}`);
  }
}

/** Seconds a client is told to wait before retrying an `unavailable` answer. */
const DEFAULT_RETRY_AFTER_SECONDS = 1;

export function json(statusCode: number, body: unknown, headers: Record<string, string> = {}): APIGatewayProxyStructuredResultV2 {
  return { statusCode, headers: { 'content-type': 'application/json; charset=utf-8', ...headers }, body: JSON.stringify(body) };
}

/**
 * The one place errors become HTTP answers: `{error: <code>, message, problems?, requestId}`.
 * A `RekindleError` answers by its kind; anything else is a 500 that never leaks its details.
 */
export function toHttpResponse(error: unknown, requestId: string): APIGatewayProxyStructuredResultV2 {
  if (error instanceof RekindleError) {
    const status = HTTP_STATUS_OF_KIND[error.kind];
    if (status >= 500) logger.error('request failed', { error: { name: error.name, code: error.code, message: error.message } });
    const headers: Record<string, string> = {};
    if (error.kind === 'unavailable') headers['retry-after'] = String(error.retryAfterSeconds ?? DEFAULT_RETRY_AFTER_SECONDS);
    if (error instanceof MethodNotAllowedError) headers.allow = error.allow.join(', ');
    // A fault of ours is logged, never shown: its message may name items and keys.
    const message = error.kind === 'internal' ? 'something went wrong; retry later' : error.message;
    return json(status, { error: error.code, message, ...(error.problems.length ? { problems: error.problems } : {}), requestId }, headers);
  }
  logger.error('unhandled error', { error: error instanceof Error ? { name: error.name, message: error.message, stack: error.stack } : String(error) });
  return json(500, { error: 'internal', message: 'something went wrong; retry later', requestId });
}

/** Reads a JSON body: refuses another content type (415) and malformed JSON (400). */
export function jsonBody(event: APIGatewayProxyEventV2): unknown {
  const contentType = headerOf(event, 'content-type') ?? '';
  if (!/^application\/json\b/i.test(contentType)) {
    throw new RekindleError('unsupported-media-type', `content-type must be application/json, got ${contentType || 'none'}`);
  }
  const raw = event.isBase64Encoded && event.body ? Buffer.from(event.body, 'base64').toString('utf8') : (event.body ?? '');
  if (raw.trim() === '') throw new InvalidInputError('the request body is empty; send a JSON object', [], { code: 'invalid-json' });
  try {
    return JSON.parse(raw) as unknown;
  } catch (error) {
    throw new InvalidInputError(`the request body is not valid JSON: ${(error as Error).message}`, [], { code: 'invalid-json' });
  }
}

export function headerOf(event: APIGatewayProxyEventV2, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(event.headers ?? {})) if (key.toLowerCase() === wanted) return value;
  return undefined;
}

/** A path parameter, percent-decoded; a missing or malformed one is a 400 naming the parameter. */
export function pathParameter(event: APIGatewayProxyEventV2, name: string): string {
  const value = event.pathParameters?.[name];
  const problem = (message: string) => new InvalidInputError(message, [{ index: null, path: name, message }], { code: 'invalid-path-parameter' });
  if (!value) throw problem(`path parameter ${name} is required`);
  try {
    return decodeURIComponent(value);
  } catch {
    throw problem(`path parameter ${name} is not valid percent-encoded UTF-8`);
  }
}

/** A query string parameter, if present (API Gateway has decoded it already). */
export function queryParameter(event: APIGatewayProxyEventV2, name: string): string | undefined {
  return event.queryStringParameters?.[name];
}

type HttpUseCase = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

/** How long before the Lambda deadline a route gives up and answers 503, so its answer still leaves. */
const DEADLINE_MARGIN_MS = 1_000;

/**
 * Rejects with `UnavailableError` (503 + Retry-After) shortly before the invocation's deadline.
 * Without it middy's own early timeout answered a 500 "[AbortError]: The operation was aborted"
 * when a busy machine or a slow table made a request outlast its function's timeout: a slow
 * answer is a reason to retry, not an internal fault. Every route's writes are idempotent (ids,
 * conditions), so a retry of a request cut short here changes nothing twice.
 */
function deadlineOf(context: Context): { reached: Promise<never>; clear: () => void } {
  const remaining = typeof context.getRemainingTimeInMillis === 'function' ? context.getRemainingTimeInMillis() : 0;
  if (remaining <= 0) return { reached: new Promise<never>(() => undefined), clear: () => undefined };
  let timer: NodeJS.Timeout | undefined;
  const reached = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new UnavailableError('the request did not finish before its deadline; retry it', { retryAfterSeconds: 1 })),
      Math.max(0, remaining - DEADLINE_MARGIN_MS),
    );
  });
  return { reached, clear: () => clearTimeout(timer) };
}

/**
 * Wraps an HTTP route adapter in the shared middy chain: the logger carries the Lambda context
 * (request id, cold start) on every line, every error leaves through `toHttpResponse`, and a
 * request about to outlast its deadline answers 503 + Retry-After (see `deadlineOf`).
 */
export function httpHandler(useCase: HttpUseCase) {
  // middy's own early timeout stays off: it would answer before `deadlineOf`, and as a 500.
  return middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>({ timeoutEarlyInMillis: 0 })
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler(async (event, context) => {
      const deadline = deadlineOf(context);
      try {
        return await Promise.race([useCase(event, context), deadline.reached]);
      } catch (error) {
        return toHttpResponse(error, context.awsRequestId ?? event.requestContext?.requestId ?? 'local');
      } finally {
        deadline.clear();
      }
    });
}
