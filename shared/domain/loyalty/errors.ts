/**
 * Typed errors of the loyalty domain. Expected business outcomes (already granted, insufficient
 * balance, referral refused…) are returned as values, never thrown: these errors are for inputs
 * that break a precondition, so a Step Functions Catch can match them by `name`.
 */

/** A local calendar day that is not a real `YYYY-MM-DD` date. */
export class InvalidLocalDayError extends Error {
  override readonly name = 'InvalidLocalDayError';
  constructor(readonly localDay: string) {
    super(`Not a calendar day in YYYY-MM-DD form: "${localDay}"`);
  }
}

/** A check-in program state handed to a config of another program: a wiring bug. */
export class CheckinProgramMismatchError extends Error {
  override readonly name = 'CheckinProgramMismatchError';
  constructor(
    readonly stateProgramId: string,
    readonly configProgramId: string,
  ) {
    super(`Check-in state belongs to program "${stateProgramId}", config is for "${configProgramId}"`);
  }
}

/**
 * An optimistic ledger write lost the race too many times in a row (the balance kept changing
 * between read and write). Retryable as a whole.
 */
export class LedgerContentionError extends Error {
  override readonly name = 'LedgerContentionError';
  constructor(
    readonly userId: string,
    readonly attempts: number,
    options?: { cause?: unknown },
  ) {
    super(`Ledger of user "${userId}" changed during ${attempts} consecutive attempts`, options);
  }
}

/** A store answered something its contract rules out (e.g. a version mismatch to an unconditional append). */
export class LedgerStoreContractError extends Error {
  override readonly name = 'LedgerStoreContractError';
  constructor(
    readonly entryId: string,
    readonly answer: string,
  ) {
    super(`Ledger store answered "${answer}" to entry "${entryId}", which its contract rules out`);
  }
}

/** A draw entry that cannot be listed unambiguously (empty, or holding a line break). */
export class InvalidDrawEntryError extends Error {
  override readonly name = 'InvalidDrawEntryError';
  constructor(readonly entry: string) {
    super(`Draw entries must be non-empty and hold no line break: ${JSON.stringify(entry)}`);
  }
}

/** A check-in program state kept changing under a request for every attempt. Retryable. */
export class CheckinStateContentionError extends Error {
  override readonly name = 'CheckinStateContentionError';
  constructor(
    readonly userId: string,
    readonly programId: string,
    readonly attempts: number,
  ) {
    super(`Check-in state of user "${userId}" in "${programId}" changed during ${attempts} consecutive attempts`);
  }
}
