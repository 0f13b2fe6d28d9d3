import { ConflictError, UnavailableError } from '../common';

/**
 * The nightly scan has not finished the day yet: the daily health task retries (by this name, with
 * backoff) until it has.
 */
export class HealthTalliesNotReadyError extends UnavailableError {
  override readonly name = 'HealthTalliesNotReadyError';
  constructor(day: string) {
    super(`no complete nightly scan holds the health tallies of ${day} yet`, { retryAfterSeconds: 600 });
  }
}

/** A resume of an incident that is not open. */
export class IncidentNotOpenError extends ConflictError {
  override readonly name = 'IncidentNotOpenError';
  constructor(incidentId: string) {
    super(`incident ${incidentId} is not open`);
  }
}
