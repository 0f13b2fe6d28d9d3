/**
 * The one error model. Every error Rekindle raises on purpose is a `RekindleError` with a stable,
 * machine-readable `code` from `ERROR_CODES`; the code decides the kind, and the kind alone
 * decides how an edge answers (the HTTP mapper in shared/adapters/http, a Step Functions Retry on
 * `name`). Nothing below the handlers knows HTTP.
 */

/** What went wrong, as a caller must react to it. */
export type ErrorKind =
  | 'invalid' // the request is wrong: fix it, do not retry it as is
  | 'unsupported' // the request's media type is not one this route reads
  | 'forbidden' // the caller may not do this
  | 'not-found' // what the request names does not exist
  | 'method-not-allowed' // the path exists, the method does not
  | 'conflict' // the request clashes with the state: it was not applied
  | 'unavailable' // a dependency is busy or down: the same request may succeed later
  | 'internal'; // a fault of ours

/**
 * Every code a client can see in `error`, with its kind. Codes are stable: clients branch on
 * them. Add one only when a client needs to tell the case apart; the README lists them all.
 */
export const ERROR_CODES = {
  'invalid-request': 'invalid',
  'invalid-json': 'invalid',
  'invalid-path-parameter': 'invalid',
  'invalid-query-parameter': 'invalid',
  'unsupported-media-type': 'unsupported',
  forbidden: 'forbidden',
  'not-found': 'not-found',
  'method-not-allowed': 'method-not-allowed',
  conflict: 'conflict',
  unavailable: 'unavailable',
  internal: 'internal',
} as const satisfies Record<string, ErrorKind>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** One thing wrong with an input: which item (for batches), which field, and why. */
export interface Problem {
  /** Index of the item in a batch, or null for a problem with the request itself. */
  index: number | null;
  /** Dotted path of the field, e.g. `amount`, `definition.steps.0.wait`, or a parameter name. */
  path: string;
  message: string;
}

export interface RekindleErrorOptions {
  cause?: unknown;
  /** For `invalid` errors: each field that is wrong. */
  problems?: readonly Problem[];
  /** For `unavailable` errors: when a retry makes sense, in seconds. */
  retryAfterSeconds?: number;
}

/** The base of every deliberate error: a name for matching, a code for clients, a cause for logs. */
export class RekindleError extends Error {
  override readonly name: string = 'RekindleError';
  readonly problems: readonly Problem[];
  readonly retryAfterSeconds: number | undefined;

  constructor(
    readonly code: ErrorCode,
    message: string,
    options: RekindleErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.problems = options.problems ?? [];
    this.retryAfterSeconds = options.retryAfterSeconds;
  }

  get kind(): ErrorKind {
    return ERROR_CODES[this.code];
  }
}

/** The input is wrong; `problems` names each field. Nothing was written. */
export class InvalidInputError extends RekindleError {
  override readonly name: string = 'InvalidInputError';
  constructor(message: string, problems: readonly Problem[] = [], options: Omit<RekindleErrorOptions, 'problems'> & { code?: ErrorCode } = {}) {
    super(options.code ?? 'invalid-request', message, { ...options, problems });
  }
}

export class NotFoundError extends RekindleError {
  override readonly name: string = 'NotFoundError';
  constructor(message: string, options: RekindleErrorOptions = {}) {
    super('not-found', message, options);
  }
}

export class ConflictError extends RekindleError {
  override readonly name: string = 'ConflictError';
  constructor(message: string, options: RekindleErrorOptions = {}) {
    super('conflict', message, options);
  }
}

/** A dependency is busy or down; the same request may succeed later. */
export class UnavailableError extends RekindleError {
  override readonly name: string = 'UnavailableError';
  constructor(message: string, options: RekindleErrorOptions = {}) {
    super('unavailable', message, options);
  }
}

export class ForbiddenError extends RekindleError {
  override readonly name: string = 'ForbiddenError';
  constructor(message: string, options: RekindleErrorOptions = {}) {
    super('forbidden', message, options);
  }
}

/** A broken invariant of ours (a corrupt item, a contract a store broke): never the caller's fault. */
export class InternalError extends RekindleError {
  override readonly name: string = 'InternalError';
  constructor(message: string, options: RekindleErrorOptions = {}) {
    super('internal', message, options);
  }
}
