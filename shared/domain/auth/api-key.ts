import { createHash, timingSafeEqual } from 'node:crypto';

/** Compares a presented API key with the expected one in constant time. */
export function isValidApiKey(presented: string | undefined, expected: string): boolean {
  if (!presented || expected.length === 0) return false;
  // Hash both so the comparison's length never depends on the secret.
  const a = createHash('sha256').update(presented).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}
