/**
 * Errors of the journey adapters. Names are stable: the state machine's Retry matches
 * `JourneyStepRetryable`, and the HTTP mapper answers the others.
 */
import { ConflictError, NotFoundError } from '../../domain/common';

/** A step could not finish for a reason a retry may cure (throttled provider, in-flight send). */
export class JourneyStepRetryable extends Error {
  override readonly name = 'JourneyStepRetryable';
}

/** A stored item does not have the shape this code writes: never guessed around. */
export class CorruptJourneyItem extends Error {
  override readonly name = 'CorruptJourneyItem';
}

export class JourneyNotFound extends NotFoundError {
  override readonly name = 'JourneyNotFound';
  constructor(journeyId: string) {
    super(`no journey ${journeyId}`);
  }
}

/** The id is taken by a journey with another definition, or one no longer running. */
export class JourneyAlreadyExists extends ConflictError {
  override readonly name = 'JourneyAlreadyExists';
  constructor(journeyId: string, detail: string) {
    super(`journey ${journeyId} already exists: ${detail}`);
  }
}

/** StartExecution kept failing (throttled) after every retry: the message goes back to the queue. */
export class StartExecutionFailed extends Error {
  override readonly name = 'StartExecutionFailed';
}
