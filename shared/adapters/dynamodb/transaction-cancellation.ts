import { TransactionCanceledException, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { UnavailableError } from '../../domain/common';

/** One item's reason in a cancelled transaction, with the old item when the request asked for it. */
export interface CancellationReason {
  readonly code: string | undefined;
  readonly item: Record<string, unknown> | undefined;
}

/**
 * The per-item reasons of a cancelled transaction, or `undefined` for any other error. The old
 * item comes back in wire format (the document client does not unmarshall exceptions).
 */
export function cancellationReasons(error: unknown): CancellationReason[] | undefined {
  if (!(error instanceof TransactionCanceledException)) return undefined;
  return (error.CancellationReasons ?? []).map((reason) => ({
    code: reason.Code,
    item: reason.Item ? unmarshall(reason.Item as Record<string, AttributeValue>) : undefined,
  }));
}

/** Cancellation codes that mean "try again" (contention, throttling), not a failed condition. */
export const RETRYABLE_CANCELLATION_CODES: ReadonlySet<string> = new Set(['TransactionConflict', 'ThrottlingError', 'ProvisionedThroughputExceeded']);

/** True when DynamoDB cancelled the transaction only because another one touched the same items. */
export function isTransactionConflict(reasons: readonly CancellationReason[]): boolean {
  return reasons.some((reason) => reason.code === 'TransactionConflict') && !reasons.some((reason) => reason.code === 'ConditionalCheckFailed');
}

/** Full-jitter pause before retrying a conflicting transaction (retry pacing, not business time). */
export function conflictBackoff(attempt: number): Promise<void> {
  const ceiling = Math.min(1000, 20 * 2 ** attempt);
  return new Promise((resolve) => setTimeout(resolve, Math.random() * ceiling));
}

/** Too many transaction conflicts in a row on the same items. Retryable as a whole. */
export class TransactionContentionError extends UnavailableError {
  override readonly name = 'TransactionContentionError';
  constructor(what: string, attempts: number, options?: { cause?: unknown }) {
    super(`${what}: transaction conflicted ${attempts} times in a row`, { ...options, retryAfterSeconds: 1 });
  }
}
