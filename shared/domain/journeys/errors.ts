/**
 * Typed errors of the journeys domain. Each carries a stable `name` so Step Functions Retry/Catch
 * and the one HTTP mapper can match on it, and keeps the underlying `cause`.
 */

/** One problem found in a journey definition, located by a readable path such as `steps[2].days`. */
export interface JourneyDefinitionProblem {
  readonly path: string;
  readonly message: string;
}

/** A journey definition did not validate: the message lists every problem with its field path. */
export class JourneyDefinitionInvalid extends Error {
  override readonly name = 'JourneyDefinitionInvalid';
  readonly problems: readonly JourneyDefinitionProblem[];

  constructor(problems: readonly JourneyDefinitionProblem[], options?: { cause?: unknown }) {
    super(
      `Invalid journey definition: ${problems.map((problem) => `${problem.path || '(root)'}: ${problem.message}`).join('; ')}`,
      options,
    );
    this.problems = problems;
  }
}

/** A lifecycle command that the journey's current status does not allow (e.g. resuming a stopped journey). */
export class IllegalJourneyTransition extends Error {
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
export class JourneyInputInvalid extends Error {
  override readonly name = 'JourneyInputInvalid';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export { assertNever } from '../common';
