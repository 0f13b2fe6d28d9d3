/** A request handed to the send path did not validate; nothing was sent or recorded. */
export class InvalidSendRequestError extends Error {
  override readonly name = 'InvalidSendRequestError';
  constructor(
    readonly problems: ReadonlyArray<{ path: string; message: string }>,
    options?: { cause?: unknown },
  ) {
    super(`invalid send request: ${problems.map((p) => `${p.path || '(root)'}: ${p.message}`).join('; ')}`, options);
  }
}

/** A stored messaging item does not have the shape this code writes; it is never guessed at. */
export class CorruptMessagingItemError extends Error {
  override readonly name = 'CorruptMessagingItemError';
  constructor(what: string, options?: { cause?: unknown }) {
    super(`stored ${what} does not match its schema`, options);
  }
}

/** The unsubscribe signing key could not be loaded (secret missing, empty or too short). */
export class UnsubscribeKeyUnavailableError extends Error {
  override readonly name = 'UnsubscribeKeyUnavailableError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
