import middy from '@middy/core';
import {
  ConditionalCheckFailedException,
  InternalServerError,
  ProvisionedThroughputExceededException,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { isTransientDependencyError, TransientDependencyError, transientErrorsAsRetryable } from '../../../shared/adapters/transient-errors';

const metadata = (httpStatusCode: number) => ({ $metadata: { httpStatusCode } });

function socketError(code: string): Error {
  return Object.assign(new Error(`socket: ${code}`), { code });
}

function cancelled(...codes: string[]): TransactionCanceledException {
  return new TransactionCanceledException({ message: 'cancelled', ...metadata(400), CancellationReasons: codes.map((Code) => ({ Code })) });
}

describe('isTransientDependencyError', () => {
  it('retries throttling, 5xx, timeouts, dropped connections and transaction conflicts', () => {
    const transient = [
      new ProvisionedThroughputExceededException({ message: 'slow down', ...metadata(400) }),
      new InternalServerError({ message: 'oops', ...metadata(500) }),
      Object.assign(new Error('timed out'), { name: 'TimeoutError' }),
      socketError('ECONNRESET'),
      socketError('EPIPE'),
      cancelled('None', 'TransactionConflict'),
    ];
    expect(transient.map((error) => [error.name, isTransientDependencyError(error)])).toEqual(transient.map((error) => [error.name, true]));
  });

  it('leaves conditions, validation, cancelled transactions with a failed condition and non-errors to the Catch', () => {
    const permanent: unknown[] = [
      new ConditionalCheckFailedException({ message: 'exists', ...metadata(400) }),
      Object.assign(new Error('bad request'), { name: 'ValidationException', ...metadata(400) }),
      cancelled('ConditionalCheckFailed', 'TransactionConflict'),
      cancelled('None', 'None'),
      new TypeError('x is undefined'),
      'a string',
    ];
    expect(permanent.map(isTransientDependencyError)).toEqual(permanent.map(() => false));
  });
});

describe('transientErrorsAsRetryable', () => {
  const handlerThrowing = (error: Error) =>
    middy<unknown, string>()
      .use(transientErrorsAsRetryable())
      .handler(async () => {
        throw error;
      });
  const invoke = (handler: ReturnType<typeof handlerThrowing>) => handler({}, {} as never).catch((error: unknown) => error);

  it('renames a transient failure for the state machine’s Retry and keeps its cause', async () => {
    // Prepare
    const original = socketError('ECONNRESET');
    // Act
    const thrown = await invoke(handlerThrowing(original));
    // Assess
    expect(thrown).toBeInstanceOf(TransientDependencyError);
    expect((thrown as Error).name).toBe('TransientDependencyError');
    expect((thrown as Error).cause).toBe(original);
  });

  it('lets any other error through unchanged', async () => {
    const original = new ConditionalCheckFailedException({ message: 'exists', ...metadata(400) });
    expect(await invoke(handlerThrowing(original))).toBe(original);
  });
});
