import { InternalError, InvalidInputError, NotFoundError, UnavailableError, type Problem } from '../common';
import type { ReconcileReport } from './reconcile-stuck-send';

// Each error keeps its own `name` (tests and logs match on it) and extends the common error of its
// kind, so an edge answers it from the one kind table.

/** The configuration of the contact policy is invalid; `issues` names each bad field. A fault of the deployment. */
export class ContactPolicyConfigError extends InternalError {
  override readonly name = 'ContactPolicyConfigError';
  constructor(
    readonly issues: readonly string[],
    options?: { cause?: unknown },
  ) {
    super(`Invalid contact policy config: ${issues.join('; ')}`, options);
  }
}

/** A template was rendered without a value for one of its variables: the caller's data is incomplete. */
export class TemplateVariableMissingError extends InvalidInputError {
  override readonly name = 'TemplateVariableMissingError';
  constructor(
    readonly templateId: string,
    readonly locale: string,
    readonly variable: string,
  ) {
    super(`Template ${templateId} (${locale}) needs variable "${variable}" and none was given`, [
      { index: null, path: `data.${variable}`, message: 'required by the template' },
    ]);
  }
}

/** A variable's value cannot be put in the message safely (e.g. a link that is not http(s)). */
export class TemplateVariableInvalidError extends InvalidInputError {
  override readonly name = 'TemplateVariableInvalidError';
  constructor(
    readonly templateId: string,
    readonly variable: string,
    readonly reason: string,
  ) {
    super(`Template ${templateId}: variable "${variable}" is invalid: ${reason}`, [{ index: null, path: `data.${variable}`, message: reason }]);
  }
}

/** The send path was asked for a template the catalog does not hold. */
export class TemplateNotFoundError extends NotFoundError {
  override readonly name = 'TemplateNotFoundError';
  constructor(readonly templateId: string) {
    super(`No message template with id "${templateId}"`);
  }
}

/** The unsubscribe signing keyring is unusable (no current key, key too short): a fault of the deployment. */
export class UnsubscribeKeyringError extends InternalError {
  override readonly name = 'UnsubscribeKeyringError';
  constructor(message: string) {
    super(message);
  }
}

/** A List-Unsubscribe link would not be accepted by mailbox providers (RFC 8058 needs https). */
export class UnsubscribeUrlError extends InternalError {
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
 * settled, as `report` shows. Thrown so the run counts as failed (alarm); the next run retries,
 * hence `unavailable`.
 */
export class ReconcileSweepIncompleteError extends UnavailableError {
  override readonly name = 'ReconcileSweepIncompleteError';
  constructor(
    readonly report: ReconcileReport,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A request handed to the send path did not validate; nothing was sent or recorded. */
export class InvalidSendRequestError extends InvalidInputError {
  override readonly name = 'InvalidSendRequestError';
  constructor(problems: ReadonlyArray<{ path: string; message: string }>, options?: { cause?: unknown }) {
    const named: Problem[] = problems.map((problem) => ({ index: null, ...problem }));
    super(`invalid send request: ${problems.map((p) => `${p.path || '(root)'}: ${p.message}`).join('; ')}`, named, options);
  }
}
