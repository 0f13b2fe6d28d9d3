/**
 * Typed errors of the journeys domain, each a subclass of the common error model so the one HTTP
 * mapper answers it by kind. Each keeps a stable `name`: Step Functions Retry/Catch match
 * `JourneyStepRetryable`, and tests match the others.
 */
import { ConflictError, InternalError, InvalidInputError, NotFoundError, UnavailableError, type Problem } from '../common';

/** One problem found in a journey definition, located by a readable path such as `steps[2].days`. */
export type JourneyDefinitionProblem = Problem;

function describe(problems: readonly JourneyDefinitionProblem[]): string {
  return `Invalid journey definition: ${problems.map((problem) => `${problem.path || '(root)'}: ${problem.message}`).join('; ')}`;
}

/** A journey definition did not validate: the message lists every problem with its field path. */
export class JourneyDefinitionInvalid extends InvalidInputError {
  override readonly name = 'JourneyDefinitionInvalid';

  constructor(problems: readonly Omit<JourneyDefinitionProblem, 'index'>[], options: { cause?: unknown; message?: string } = {}) {
    const located = problems.map((problem) => ({ index: null, path: problem.path, message: problem.message }));
    super(options.message ?? describe(located), located, { cause: options.cause });
  }

  /**
   * The same problems with their paths under `field` (`steps` → `definition.steps`), for a
   * definition that arrived as one field of a request; the message stays the definition's own.
   */
  within(field: string): JourneyDefinitionInvalid {
    const problems = this.problems.map((problem) => ({ ...problem, path: problem.path ? `${field}.${problem.path}` : field }));
    return new JourneyDefinitionInvalid(problems, { cause: this, message: this.message });
  }
}

/** A lifecycle command that the journey's current status does not allow (e.g. resuming a stopped journey). */
export class IllegalJourneyTransition extends ConflictError {
  override readonly name = 'IllegalJourneyTransition';
  readonly from: string;
  readonly command: string;

  constructor(from: string, command: string, options?: { cause?: unknown }) {
    super(`Cannot ${command} a journey that is ${from}`, options);
    this.from = from;
    this.command = command;
  }
}

/** Input to a pure computation that cannot be given a meaning (e.g. a cursor past the plan's end). */
export class JourneyInputInvalid extends InvalidInputError {
  override readonly name = 'JourneyInputInvalid';

  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, [], options);
  }
}

export class JourneyNotFound extends NotFoundError {
  override readonly name = 'JourneyNotFound';
  constructor(journeyId: string) {
    super(`no journey ${journeyId}`);
  }
}

/** No exact count of that id: never asked for, or gone (counts are kept a week). */
export class AudienceCountNotFound extends NotFoundError {
  override readonly name = 'AudienceCountNotFound';
  constructor(countId: string) {
    super(`no audience count ${countId} (counts are kept a week)`);
  }
}

/** The id is taken by a journey with another definition, or one no longer running. */
export class JourneyAlreadyExists extends ConflictError {
  override readonly name = 'JourneyAlreadyExists';
  constructor(journeyId: string, detail: string) {
    super(`journey ${journeyId} already exists: ${detail}`);
  }
}

/** A step could not finish for a reason a retry may cure (throttled provider, in-flight send). */
export class JourneyStepRetryable extends UnavailableError {
  override readonly name = 'JourneyStepRetryable';
}

/** A stored item does not have the shape this code writes: never guessed around. */
export class CorruptJourneyItem extends InternalError {
  override readonly name = 'CorruptJourneyItem';
}

export { assertNever } from '../common';
