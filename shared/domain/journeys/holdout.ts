/**
 * Holdout assignment by a stable hash: the same user in the same journey always lands on the same
 * side, on every machine and on every retry, with no state to store first. Journeys hash with their
 * own id, so a user held out of one journey is not held out of all of them.
 */
import { createHash } from 'node:crypto';

/** 2^48: the first six bytes of the digest give 48 uniform bits, exact in a double. */
const TWO_POW_48 = 2 ** 48;

/**
 * A uniform number in [0, 1) derived from SHA-256 of the journey id and user id. The NUL separator
 * keeps ("ab", "c") and ("a", "bc") apart.
 */
export function holdoutPosition(journeyId: string, userId: string): number {
  const digest = createHash('sha256').update(`${journeyId}\u0000${userId}`, 'utf8').digest();
  return digest.readUIntBE(0, 6) / TWO_POW_48;
}

/** True when the user belongs to the journey's holdout: recorded, never contacted. */
export function isInHoldout(journeyId: string, userId: string, holdoutShare: number): boolean {
  return holdoutPosition(journeyId, userId) < holdoutShare;
}
