import { InternalError } from '../../domain/common';

export { InvalidSendRequestError } from '../../domain/messaging';

/** A stored messaging item does not have the shape this code writes; it is never guessed at. */
export class CorruptMessagingItemError extends InternalError {
  override readonly name = 'CorruptMessagingItemError';
  constructor(what: string, options?: { cause?: unknown }) {
    super(`stored ${what} does not match its schema`, options);
  }
}

/** The unsubscribe signing key could not be loaded (secret missing, empty or too short): a fault of the deployment. */
export class UnsubscribeKeyUnavailableError extends InternalError {
  override readonly name = 'UnsubscribeKeyUnavailableError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
