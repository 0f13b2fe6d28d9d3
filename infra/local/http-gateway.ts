import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { isValidApiKey } from '../../shared/domain/auth/api-key';

export type HttpLambda = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

/** How a route is protected, as the template says: the ingest key authorizer or IAM (marketers). */
export type RouteAuth = 'ingest-key' | 'marketer' | 'none';

export interface GatewayRoute {
  method: string;
  /** Path template as in the route key, e.g. `/v1/users/{userId}`. */
  path: string;
  auth: RouteAuth;
  functionName: string;
  handler: HttpLambda;
}

export interface ControlRoute {
  method: string;
  path: string;
  handle: (body: unknown, query: URLSearchParams) => Promise<{ status: number; body: unknown }>;
}

const MAX_BODY_BYTES = 6 * 1024 * 1024; // Lambda's synchronous payload limit

/**
 * Static files served on the API's own origin (the marketer console at `/console/`), as
 * CloudFront serves them from S3 in AWS. They hold no secret, so they need no token; the console
 * signs in with the marketer token when it calls the API.
 */
export interface StaticSite {
  /** Path prefix with both slashes, e.g. `/console/`. */
  prefix: string;
  directory: string;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

/** The headers CloudFront's response headers policy sets in AWS, so the console runs under the same rules locally. */
export const STATIC_SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy':
    "default-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
};

/**
 * The HTTP API, locally: the template's routes call the same handlers with the same event shape,
 * and authentication is enforced as in AWS — the ingest key for producers, a local marketer token
 * standing in for IAM. `/local/*` control routes (clock, settle) take the marketer token too.
 */
export class HttpGateway {
  private server: Server | undefined;
  private readonly matchers: Array<GatewayRoute & { pattern: RegExp; names: string[] }>;

  constructor(
    routes: GatewayRoute[],
    private readonly controls: ControlRoute[],
    private readonly credentials: { ingestKey: string; marketerToken: string },
    private readonly staticSite: StaticSite | null = null,
  ) {
    this.matchers = routes.map((route) => {
      const names: string[] = [];
      const pattern = new RegExp(
        '^' +
          route.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{([^}]+)\}/g, (_, name: string) => {
            names.push(name.replace(/\+$/, ''));
            return name.endsWith('+') ? '(.+)' : '([^/]+)';
          }) +
          '$',
      );
      return { ...route, pattern, names };
    });
  }

  async listen(port: number): Promise<void> {
    this.server = createServer((request, response) => {
      this.handle(request, response).catch((error: unknown) => {
        send(response, 500, { error: 'InternalError', message: error instanceof Error ? error.message : String(error) });
      });
    });
    this.server.keepAliveTimeout = 30_000;
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(port, '127.0.0.1', () => resolve());
    });
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const method = (request.method ?? 'GET').toUpperCase();
    const body = await readBody(request);
    if (body === null) return send(response, 413, { message: 'Request Entity Too Large' });
    if (this.staticSite && (method === 'GET' || method === 'HEAD') && `${url.pathname}/`.startsWith(this.staticSite.prefix)) {
      return serveStatic(this.staticSite, url.pathname, response);
    }

    const control = this.controls.find((route) => route.method === method && route.path === url.pathname);
    if (control) {
      const denied = this.authorize('marketer', request);
      if (denied) return send(response, denied.status, { message: denied.message });
      let parsed: unknown = undefined;
      if (body.length > 0) {
        try {
          parsed = JSON.parse(body.toString('utf8'));
        } catch {
          return send(response, 400, { error: 'InvalidRequestError', message: 'the request body is not valid JSON' });
        }
      }
      const answer = await control.handle(parsed, url.searchParams);
      return send(response, answer.status, answer.body);
    }

    // As in an HTTP API: a route with the request's method first, then an `ANY` route of the path.
    const route =
      this.matchers.find((candidate) => candidate.method === method && candidate.pattern.test(url.pathname)) ??
      this.matchers.find((candidate) => candidate.method === 'ANY' && candidate.pattern.test(url.pathname));
    if (!route) return send(response, 404, { message: 'Not Found' });
    const denied = this.authorize(route.auth, request);
    if (denied) return send(response, denied.status, { message: denied.message });

    const match = route.pattern.exec(url.pathname)!;
    const pathParameters = Object.fromEntries(route.names.map((name, i) => [name, match[i + 1]!]));
    const headers = Object.fromEntries(
      Object.entries(request.headers).map(([key, value]) => [key.toLowerCase(), Array.isArray(value) ? value.join(',') : (value ?? '')]),
    );
    const requestId = randomUUID();
    const event: APIGatewayProxyEventV2 = {
      version: '2.0',
      routeKey: `${route.method} ${route.path}`,
      rawPath: url.pathname,
      rawQueryString: url.search.replace(/^\?/, ''),
      headers,
      ...(url.search ? { queryStringParameters: Object.fromEntries(url.searchParams) } : {}),
      ...(route.names.length ? { pathParameters } : {}),
      ...(body.length ? { body: body.toString('utf8') } : {}),
      isBase64Encoded: false,
      requestContext: {
        accountId: '000000000000',
        apiId: 'local',
        domainName: request.headers.host ?? '127.0.0.1',
        domainPrefix: 'local',
        requestId,
        routeKey: `${route.method} ${route.path}`,
        stage: '$default',
        time: new Date().toUTCString(),
        timeEpoch: Date.now(),
        http: {
          method,
          path: url.pathname,
          protocol: 'HTTP/1.1',
          sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
          userAgent: headers['user-agent'] ?? '',
        },
      },
    };
    const result = await route.handler(event, lambdaContext(route.functionName, requestId));
    response.writeHead(result.statusCode ?? 200, { ...(result.headers as Record<string, string> | undefined), 'x-amzn-requestid': requestId });
    response.end(result.body ?? '');
  }

  private authorize(auth: RouteAuth, request: IncomingMessage): { status: number; message: string } | null {
    switch (auth) {
      case 'none':
        return null;
      case 'ingest-key': {
        const key = request.headers['x-api-key'];
        if (!key) return { status: 401, message: 'Unauthorized: send the ingest key in the x-api-key header' };
        return isValidApiKey(String(key), this.credentials.ingestKey) ? null : { status: 403, message: 'Forbidden: the x-api-key is not valid' };
      }
      case 'marketer': {
        const header = request.headers.authorization;
        if (!header) return { status: 401, message: 'Unauthorized: send the marketer token as Authorization: Bearer <token>' };
        const token = /^Bearer\s+(.+)$/i.exec(header)?.[1];
        return isValidApiKey(token, this.credentials.marketerToken) ? null : { status: 403, message: 'Forbidden: the marketer token is not valid' };
      }
    }
  }
}

export function lambdaContext(functionName: string, requestId: string, timeoutSeconds = 30): Context {
  const deadline = Date.now() + timeoutSeconds * 1000;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

async function readBody(request: IncomingMessage): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return null;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

async function serveStatic(site: StaticSite, pathname: string, response: ServerResponse): Promise<void> {
  if (`${pathname}/` === site.prefix) {
    response.writeHead(301, { location: site.prefix });
    return void response.end();
  }
  const relative = decodeURIComponent(pathname.slice(site.prefix.length)) || 'index.html';
  const file = normalize(join(site.directory, relative));
  if (!file.startsWith(normalize(site.directory))) return send(response, 404, { message: 'Not Found' });
  const content = await readFile(file).catch(() => null);
  if (content === null) return send(response, 404, { message: 'Not Found' });
  response.writeHead(200, {
    'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
    'cache-control': 'no-cache',
    ...STATIC_SECURITY_HEADERS,
  });
  response.end(content);
}

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  response.end(JSON.stringify(body));
}
