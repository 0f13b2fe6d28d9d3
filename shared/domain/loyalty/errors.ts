import { InternalError, InvalidInputError, UnavailableError } from '../common';

/**
 * Typed errors of the loyalty domain, each in the family of the common error model so every edge
 * answers it by its kind. Expected business outcomes (already granted, insufficient balance,
 * referral refused…) are returned as values, never thrown. Names are kept: a Step Functions
 * Retry/Catch or a test matches them.
 */

/** How long a client should wait before retrying a request that lost a race several times. */
const CONTENTION_RETRY_AFTER_SECONDS = 1;

/** A local calendar day that is not a real `YYYY-MM-DD` date. */
export class InvalidLocalDayError extends InvalidInputError {
  override readonly name: string = 'InvalidLocalDayError';
  constructor(readonly localDay: string) {
    super(`Not a calendar day in YYYY-MM-DD form: "${localDay}"`, [{ index: null, path: 'day', message: `${localDay} is not a YYYY-MM-DD calendar day` }]);
  }
}

/** A check-in program state handed to a config of another program: a wiring bug. */
export class CheckinProgramMismatchError extends InternalError {
  override readonly name: string = 'CheckinProgramMismatchError';
  constructor(
    readonly stateProgramId: string,
    readonly configProgramId: string,
  ) {
    super(`Check-in state belongs to program "${stateProgramId}", config is for "${configProgramId}"`);
  }
}

/**
 * An optimistic ledger write lost the race too many times in a row (the balance kept changing
 * between read and write). Retryable as a whole: 503 with Retry-After.
 */
export class LedgerContentionError extends UnavailableError {
  override readonly name: string = 'LedgerContentionError';
  constructor(
    readonly userId: string,
    readonly attempts: number,
    options?: { cause?: unknown },
  ) {
    super(`Ledger of user "${userId}" changed during ${attempts} consecutive attempts`, { ...options, retryAfterSeconds: CONTENTION_RETRY_AFTER_SECONDS });
  }
}

/** A store answered something its contract rules out (e.g. a version mismatch to an unconditional append). */
export class LedgerStoreContractError extends InternalError {
  override readonly name: string = 'LedgerStoreContractError';
  constructor(
    readonly entryId: string,
    readonly answer: string,
  ) {
    super(`Ledger store answered "${answer}" to entry "${entryId}", which its contract rules out`);
  }
}

/** A draw entry that cannot be listed unambiguously (empty, or holding a line break). */
export class InvalidDrawEntryError extends InvalidInputError {
  override readonly name: string = 'InvalidDrawEntryError';
  constructor(readonly entry: string) {
    super(`Draw entries must be non-empty and hold no line break: ${JSON.stringify(entry)}`);
  }
}

/** A check-in program state kept changing under a request for every attempt. Retryable: 503 with Retry-After. */
export class CheckinStateContentionError extends UnavailableError {
  override readonly name: string = 'CheckinStateContentionError';
  constructor(
    readonly userId: string,
    readonly programId: string,
    readonly attempts: number,
  ) {
    super(`Check-in state of user "${userId}" in "${programId}" changed during ${attempts} consecutive attempts`, {
      retryAfterSeconds: CONTENTION_RETRY_AFTER_SECONDS,
    });
  }
}

/** The month's reward budget kept moving under a coupon for every attempt. Retryable. */
export class RewardBudgetContentionError extends UnavailableError {
  override readonly name: string = 'RewardBudgetContentionError';
  constructor(
    readonly month: string,
    readonly couponId: string,
    readonly attempts: number,
  ) {
    super(`the reward budget of ${month} kept moving during ${attempts} attempts to issue coupon ${couponId}`, {
      retryAfterSeconds: CONTENTION_RETRY_AFTER_SECONDS,
    });
  }
}

/** Every referral code drawn for a user was taken: vanishingly rare, and a retry draws afresh. */
export class ReferralCodeExhaustedError extends UnavailableError {
  override readonly name: string = 'ReferralCodeExhaustedError';
  constructor(readonly attempts: number) {
    super(`could not find a free referral code for a user after ${attempts} attempts`, { retryAfterSeconds: CONTENTION_RETRY_AFTER_SECONDS });
  }
}
