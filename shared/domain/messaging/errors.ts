import type { ReconcileReport } from './reconcile-in-doubt';

/** The configuration of the contact policy is invalid; `issues` names each bad field. */
export class ContactPolicyConfigError extends Error {
  override readonly name = 'ContactPolicyConfigError';
  constructor(
    readonly issues: readonly string[],
    options?: { cause?: unknown },
  ) {
    super(`Invalid contact policy config: ${issues.join('; ')}`, options);
  }
}

/** A template was rendered without a value for one of its variables. */
export class TemplateVariableMissingError extends Error {
  override readonly name = 'TemplateVariableMissingError';
  constructor(
    readonly templateId: string,
    readonly locale: string,
    readonly variable: string,
  ) {
    super(`Template ${templateId} (${locale}) needs variable "${variable}" and none was given`);
  }
}

/** A variable's value cannot be put in the message safely (e.g. a link that is not http(s)). */
export class TemplateVariableInvalidError extends Error {
  override readonly name = 'TemplateVariableInvalidError';
  constructor(
    readonly templateId: string,
    readonly variable: string,
    readonly reason: string,
  ) {
    super(`Template ${templateId}: variable "${variable}" is invalid: ${reason}`);
  }
}

/** The send path was asked for a template the catalog does not hold. */
export class TemplateNotFoundError extends Error {
  override readonly name = 'TemplateNotFoundError';
  constructor(readonly templateId: string) {
    super(`No message template with id "${templateId}"`);
  }
}

/** The unsubscribe signing keyring is unusable (no current key, key too short). */
export class UnsubscribeKeyringError extends Error {
  override readonly name = 'UnsubscribeKeyringError';
  constructor(message: string) {
    super(message);
  }
}

/** A List-Unsubscribe link would not be accepted by mailbox providers (RFC 8058 needs https). */
export class UnsubscribeUrlError extends Error {
  override readonly name = 'UnsubscribeUrlError';
  constructor(
    readonly url: string,
    readonly reason: string,
  ) {
    super(`Unsubscribe base URL refused: ${reason}`);
  }
}

/**
 * The reconciliation sweep could not settle some in-doubt keys (a store error); the others were
 * settled, as `report` shows. Thrown so the run counts as failed (alarm); the next run retries.
 */
export class ReconcileSweepIncompleteError extends Error {
  override readonly name = 'ReconcileSweepIncompleteError';
  constructor(
    readonly report: ReconcileReport,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
