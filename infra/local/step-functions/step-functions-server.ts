import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import type { ExecutionRecord } from './execution-store';
import type { LocalStepFunctions } from './local-step-functions';

/** A running local endpoint. */
export interface StepFunctionsServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

const executionStatus = z.enum(['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED']);

const StartExecutionInput = z.object({ stateMachineArn: z.string(), name: z.string().optional(), input: z.string().optional() });
const ExecutionArnInput = z.object({ executionArn: z.string() });
const StopExecutionInput = z.object({ executionArn: z.string(), error: z.string().optional(), cause: z.string().optional() });
const ListExecutionsInput = z.object({
  stateMachineArn: z.string(),
  statusFilter: executionStatus.optional(),
  maxResults: z.number().int().min(0).max(1000).optional(),
  nextToken: z.string().regex(/^\d+$/).optional(),
});
const SendTaskSuccessInput = z.object({ taskToken: z.string(), output: z.string() });
const SendTaskFailureInput = z.object({ taskToken: z.string(), error: z.string().optional(), cause: z.string().optional() });
const SendTaskHeartbeatInput = z.object({ taskToken: z.string() });

/** Errors the API names on the wire; anything else is an internal failure. */
const API_ERRORS = new Set([
  'ExecutionAlreadyExists',
  'ExecutionDoesNotExist',
  'StateMachineDoesNotExist',
  'InvalidName',
  'InvalidExecutionInput',
  'InvalidOutput',
  'TaskDoesNotExist',
  'InvalidToken',
]);

class ValidationError extends Error {
  override readonly name = 'ValidationException';
}

class UnknownOperationError extends Error {
  override readonly name = 'UnknownOperationException';
}

/** The JSON protocol carries dates as epoch seconds. */
function epochSeconds(date: Date | undefined): number | undefined {
  return date === undefined ? undefined : date.getTime() / 1000;
}

function describeAnswer(record: ExecutionRecord) {
  return {
    executionArn: record.executionArn,
    stateMachineArn: record.stateMachineArn,
    name: record.name,
    status: record.status,
    input: record.input,
    output: record.output,
    error: record.error,
    cause: record.cause,
    startDate: epochSeconds(record.startDate),
    stopDate: epochSeconds(record.stopDate),
  };
}

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body);
  if (!result.success) {
    throw new ValidationError(result.error.issues.map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`).join('; '));
  }
  return result.data;
}

async function dispatch(engine: LocalStepFunctions, operation: string, body: unknown): Promise<object> {
  switch (operation) {
    case 'StartExecution': {
      const request = parse(StartExecutionInput, body);
      const started = await engine.startExecution(request);
      return { executionArn: started.executionArn, startDate: epochSeconds(started.startDate) };
    }
    case 'DescribeExecution':
      return describeAnswer(await engine.describeExecution(parse(ExecutionArnInput, body).executionArn));
    case 'StopExecution': {
      const { executionArn, error, cause } = parse(StopExecutionInput, body);
      const { stopDate } = await engine.stopExecution(executionArn, { ...(error === undefined ? {} : { error }), ...(cause === undefined ? {} : { cause }) });
      return { stopDate: epochSeconds(stopDate) };
    }
    case 'ListExecutions': {
      const request = parse(ListExecutionsInput, body);
      const all = await engine.listExecutions(request.stateMachineArn, request.statusFilter);
      const from = Number(request.nextToken ?? '0');
      const pageSize = request.maxResults || 100;
      const page = all.slice(from, from + pageSize);
      return {
        executions: page.map((record) => ({
          executionArn: record.executionArn,
          stateMachineArn: record.stateMachineArn,
          name: record.name,
          status: record.status,
          startDate: epochSeconds(record.startDate),
          stopDate: epochSeconds(record.stopDate),
        })),
        ...(from + pageSize < all.length ? { nextToken: String(from + pageSize) } : {}),
      };
    }
    case 'SendTaskSuccess': {
      const { taskToken, output } = parse(SendTaskSuccessInput, body);
      engine.sendTaskSuccess(taskToken, output);
      return {};
    }
    case 'SendTaskFailure': {
      const { taskToken, error, cause } = parse(SendTaskFailureInput, body);
      engine.sendTaskFailure(taskToken, { ...(error === undefined ? {} : { error }), ...(cause === undefined ? {} : { cause }) });
      return {};
    }
    case 'SendTaskHeartbeat':
      engine.sendTaskHeartbeat(parse(SendTaskHeartbeatInput, body).taskToken);
      return {};
    default:
      throw new UnknownOperationError(`operation ${operation || '(none)'} is not served by the local Step Functions endpoint`);
  }
}

async function readBody(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new ValidationError('the request body is not JSON');
  }
}

function send(response: ServerResponse, status: number, body: object, errorType?: string): void {
  const payload = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/x-amz-json-1.0',
    'content-length': Buffer.byteLength(payload),
    ...(errorType ? { 'x-amzn-errortype': errorType } : {}),
  });
  response.end(payload);
}

async function handle(engine: LocalStepFunctions, request: IncomingMessage, response: ServerResponse): Promise<void> {
  try {
    if (request.method !== 'POST') throw new UnknownOperationError('the Step Functions JSON protocol takes POST requests');
    const target = request.headers['x-amz-target'];
    const operation = typeof target === 'string' && target.startsWith('AWSStepFunctions.') ? target.slice('AWSStepFunctions.'.length) : '';
    const body = await readBody(request);
    send(response, 200, await dispatch(engine, operation, body));
  } catch (error) {
    const name = error instanceof Error ? error.name : 'InternalFailure';
    const message = error instanceof Error ? error.message : String(error);
    const known = API_ERRORS.has(name) || error instanceof ValidationError || error instanceof UnknownOperationError;
    const type = known ? name : 'InternalFailure';
    send(response, known ? 400 : 500, { __type: type, message }, type);
  }
}

/**
 * Serves the local engine over the Step Functions JSON protocol (StartExecution,
 * DescribeExecution, StopExecution, ListExecutions, SendTaskSuccess / Failure / Heartbeat) so the
 * real `@aws-sdk/client-sfn` can talk to it. Port 0 picks a free port.
 */
export function startStepFunctionsServer(options: { port: number; host?: string; engine: LocalStepFunctions }): Promise<StepFunctionsServer> {
  const host = options.host ?? '127.0.0.1';
  const server = createServer((request, response) => void handle(options.engine, request, response));
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      const reason =
        error.code === 'EADDRINUSE'
          ? `port ${options.port} on ${host} is taken: stop what uses it or choose another port for Step Functions`
          : `the local Step Functions endpoint could not start: ${error.message}`;
      reject(new Error(reason, { cause: error }));
    });
    server.listen(options.port, host, () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://${host}:${port}`,
        port,
        close: () =>
          new Promise<void>((resolveClose, rejectClose) => {
            server.closeAllConnections();
            server.close((error) => (error ? rejectClose(error) : resolveClose()));
          }),
      });
    });
  });
}
