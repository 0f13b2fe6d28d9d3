import { z } from 'zod';

/** What an id may hold: safe in keys, execution names (after hashing) and URLs. */
const ID_PATTERN = /^[A-Za-z0-9._:@-]+$/;

/** An external identifier (user, event, order): 1–128 of letters, digits and `. _ : @ -`. */
export function identifier(what: string) {
  return z
    .string({ error: (issue) => (issue.input === undefined ? `${what} is required` : `${what} must be a string`) })
    .min(1, `${what} must not be empty`)
    .max(128, `${what} must be at most 128 characters`)
    .regex(ID_PATTERN, `${what} may contain only letters, digits and . _ : @ -`);
}

export const UserId = identifier('userId');
export type UserId = z.infer<typeof UserId>;
