import type { MiddlewareObj } from '@middy/core';
import { isServerError, isThrottlingError, isTransientError } from '@smithy/service-error-classification';
import { cancellationReasons, RETRYABLE_CANCELLATION_CODES } from './dynamodb/transaction-cancellation';
import { logger } from './observability/logger';

/**
 * A dependency (DynamoDB, SES, SNS, EventBridge, the network) failed in a way a later attempt may
 * not: a timeout, a dropped connection, a 5xx, throttling, a transaction conflict. Step Functions
 * tasks throw it by this name so their Retry matches it; every other error stays as it was and
 * reaches the Catch.
 */
export class TransientDependencyError extends Error {
  override readonly name = 'TransientDependencyError';
}

/**
 * Whether an error from an AWS SDK call (or the socket under it) is worth retrying. The SDK's own
 * classification decides, plus DynamoDB transactions cancelled only for contention or throttling.
 */
export function isTransientDependencyError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error.name === 'TransactionConflictException') return true;
  const reasons = cancellationReasons(error);
  if (reasons) {
    const codes = reasons.map((reason) => reason.code ?? 'None').filter((code) => code !== 'None');
    return codes.length > 0 && codes.every((code) => RETRYABLE_CANCELLATION_CODES.has(code));
  }
  const sdkError = error as Parameters<typeof isTransientError>[0];
  return isThrottlingError(sdkError) || isTransientError(sdkError) || isServerError(sdkError);
}

/**
 * Middy middleware for Step Functions task handlers: a transient dependency failure leaves the
 * handler as {@link TransientDependencyError} (cause kept, name and message logged: SDK errors
 * carry no personal data), so the state machine retries it with backoff instead of failing the
 * execution on a dropped connection.
 */
export function transientErrorsAsRetryable(): MiddlewareObj {
  return {
    onError: async (request) => {
      const error = request.error;
      if (!isTransientDependencyError(error)) return;
      logger.warn('transient dependency failure; the task will be retried', { error: { name: error!.name, message: error!.message } });
      request.error = new TransientDependencyError(`${error!.name}: ${error!.message}`, { cause: error });
    },
  };
}
