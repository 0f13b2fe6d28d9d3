import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type { ValidationProblem } from '../../domain/events/validate-batch';
import { logger } from '../observability/logger';

/** An error with an HTTP meaning; the one mapper below turns it into a response. */
export class HttpError extends Error {
  override readonly name: string = 'HttpError';
  constructor(
    readonly statusCode: number,
    message: string,
    readonly problems: ValidationProblem[] = [],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export class InvalidRequestError extends HttpError {
  override readonly name = 'InvalidRequestError';
  constructor(message: string, problems: ValidationProblem[] = []) {
    super(400, message, problems);
  }
}

export function json(statusCode: number, body: unknown): APIGatewayProxyStructuredResultV2 {
  return { statusCode, headers: { 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify(body) };
}

/** The one place errors become HTTP answers; unknown errors never leak their details. */
export function toHttpResponse(error: unknown, requestId: string): APIGatewayProxyStructuredResultV2 {
  if (error instanceof HttpError) {
    return json(error.statusCode, { error: error.name, message: error.message, ...(error.problems.length ? { problems: error.problems } : {}), requestId });
  }
  logger.error('unhandled error', { error: error instanceof Error ? { name: error.name, message: error.message, stack: error.stack } : String(error) });
  return json(500, { error: 'InternalError', message: 'something went wrong; retry later', requestId });
}

/** Reads a JSON body: refuses another content type (415) and malformed JSON (400). */
export function jsonBody(event: APIGatewayProxyEventV2): unknown {
  const contentType = headerOf(event, 'content-type') ?? '';
  if (!/^application\/json\b/i.test(contentType)) {
    throw new HttpError(415, `content-type must be application/json, got ${contentType || 'none'}`);
  }
  const raw = event.isBase64Encoded && event.body ? Buffer.from(event.body, 'base64').toString('utf8') : (event.body ?? '');
  if (raw.trim() === '') throw new InvalidRequestError('the request body is empty; send a JSON object');
  try {
    return JSON.parse(raw) as unknown;
  } catch (error) {
    throw new InvalidRequestError(`the request body is not valid JSON: ${(error as Error).message}`);
  }
}

export function headerOf(event: APIGatewayProxyEventV2, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(event.headers ?? {})) if (key.toLowerCase() === wanted) return value;
  return undefined;
}

export function pathParameter(event: APIGatewayProxyEventV2, name: string): string {
  const value = event.pathParameters?.[name];
  if (!value) throw new InvalidRequestError(`path parameter ${name} is required`);
  return decodeURIComponent(value);
}

type HttpUseCase = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

/** Wraps an HTTP use case adapter in the shared middy chain: structured logging and error mapping. */
export function httpHandler(useCase: HttpUseCase) {
  return middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>().handler(async (event, context) => {
    try {
      return await useCase(event, context);
    } catch (error) {
      return toHttpResponse(error, context.awsRequestId ?? event.requestContext?.requestId ?? 'local');
    }
  });
}
