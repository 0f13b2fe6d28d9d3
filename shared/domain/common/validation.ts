import type { z } from 'zod';
import { InvalidInputError, type Problem } from './errors';

function pathOf(issuePath: ReadonlyArray<PropertyKey>, fallback: string): string {
  return issuePath.map(String).join('.') || fallback;
}

/** zod issues as problems, each naming its field (`fallback` when the value itself is wrong). */
export function problemsFromZod(error: z.ZodError, fallback = '(root)'): Problem[] {
  return error.issues.map((issue) => ({ index: null, path: pathOf(issue.path, fallback), message: issue.message }));
}

/**
 * Parses an input with its schema at an edge. A failure throws `InvalidInputError` naming every
 * field that is wrong; the caller has written nothing yet, and the message says so.
 */
export function parseInput<T extends z.ZodType>(schema: T, value: unknown, what: string): z.infer<T> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new InvalidInputError(`${what} was rejected; nothing was written`, problemsFromZod(parsed.error, what));
}
