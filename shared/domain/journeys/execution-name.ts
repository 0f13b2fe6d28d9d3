/**
 * Deterministic Step Functions execution names: the name is the enrollment's idempotency key, so
 * starting the same user in the same journey twice answers ExecutionAlreadyExists ("already
 * enrolled") instead of a second journey.
 *
 * Step Functions allows 1–80 characters; we restrict ourselves to [A-Za-z0-9_-] (the safe subset,
 * also valid in CloudWatch log stream names). Two forms, told apart by what follows the first `_`:
 * - readable `recall-r3_user-123` when the user id is made of [A-Za-z0-9-] and the whole fits;
 * - hashed `recall-r3_h_<43 base64url chars of SHA-256>` otherwise.
 * Journey ids contain no `_` (see JourneyId), readable user ids contain no `_` and hashed names
 * always do after the first `_`, so distinct (journey, user) pairs get distinct names (up to SHA-256
 * collisions). Journey ids are at most 32 characters: 32 + 3 + 43 = 78 ≤ 80.
 *
 * Names stay reserved for 90 days after an execution closes: a standing journey that should enroll
 * the same user again later needs a new journey id (e.g. per season).
 */
import { createHash } from 'node:crypto';
import { JourneyId } from './journey-definition';
import { JourneyInputInvalid } from './errors';

export const MAX_EXECUTION_NAME_LENGTH = 80;

const READABLE_USER_ID = /^[A-Za-z0-9-]+$/;

/** The allowed shape of every name this module produces. */
export const EXECUTION_NAME_PATTERN = /^[A-Za-z0-9_-]{1,80}$/;

/**
 * The execution name for a user's entry in a journey: (journey, user) for the first entry, as
 * before re-entry existed, and (journey, user, entry number) for a later one, `_<n>` after the
 * readable form (a readable name's user part holds no `_`, so `_2` cannot be part of a user id) or
 * the entry inside the hash.
 * @throws {JourneyInputInvalid} when the journey id is not a valid JourneyId, the user id is empty or the entry is not a positive whole number.
 */
export function journeyExecutionName(journeyId: string, userId: string, entry = 1): string {
  if (!JourneyId.safeParse(journeyId).success) throw new JourneyInputInvalid(`Not a journey id: ${JSON.stringify(journeyId)}`);
  if (userId.length === 0) throw new JourneyInputInvalid('A user id cannot be empty');
  if (!Number.isInteger(entry) || entry < 1) throw new JourneyInputInvalid(`Not an entry number: ${entry}`);
  const readable = entry === 1 ? `${journeyId}_${userId}` : `${journeyId}_${userId}_${entry}`;
  if (READABLE_USER_ID.test(userId) && readable.length <= MAX_EXECUTION_NAME_LENGTH) return readable;
  const digest = createHash('sha256')
    .update(entry === 1 ? `${journeyId}\u0000${userId}` : `${journeyId}\u0000${userId}\u0000${entry}`, 'utf8')
    .digest('base64url');
  return `${journeyId}_h_${digest}`;
}
