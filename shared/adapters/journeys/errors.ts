/**
 * Errors the journey adapters raise themselves (the domain's are in shared/domain/journeys/errors.ts).
 * Names are stable: a test or a queue's redrive matches them.
 */
import { UnavailableError } from '../../domain/common';

/** StartExecution kept failing (throttled) after every retry: the message goes back to the queue. */
export class StartExecutionFailed extends UnavailableError {
  override readonly name = 'StartExecutionFailed';
}

/** Some enrollments could not be queued after every retry: the launch or step is retried whole. */
export class EnqueueFailed extends UnavailableError {
  override readonly name = 'EnqueueFailed';
}

/** The launch workflow could not be started (throttled, unreachable): the journey is stored, the request may be sent again. */
export class LaunchWorkflowUnavailable extends UnavailableError {
  override readonly name = 'LaunchWorkflowUnavailable';
}
