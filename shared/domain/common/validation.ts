import type { z } from 'zod';
import { InvalidInputError, type Problem } from './errors';

function pathOf(issuePath: ReadonlyArray<PropertyKey>, fallback: string): string {
  return issuePath.map(String).join('.') || fallback;
}

// The schema library's own wording ("Invalid input: expected string, received undefined") reads
// as a library's; messages our schemas set are kept as they are.
const LIBRARY_DEFAULT = /^(Invalid input|Invalid option|Too small|Too big|Unrecognized key|Invalid (string|number|element|key|union|value))/;

function describeLimit(issue: z.core.$ZodIssueTooBig | z.core.$ZodIssueTooSmall, field: string, bound: 'at least' | 'at most'): string {
  const limit = 'minimum' in issue ? issue.minimum : issue.maximum;
  const unit = issue.origin === 'string' ? ' characters' : issue.origin === 'array' || issue.origin === 'set' ? ' items' : '';
  const what = issue.origin === 'string' || issue.origin === 'array' || issue.origin === 'set' ? `${field} must have ${bound}` : `${field} must be ${bound}`;
  return `${what} ${String(limit)}${unit}`;
}

/** One issue in words a producer's engineer understands, naming the field. */
export function describeIssue(issue: z.core.$ZodIssue, field: string): string {
  if (!LIBRARY_DEFAULT.test(issue.message)) return issue.message;
  switch (issue.code) {
    case 'invalid_type':
      return /received undefined$/.test(issue.message) ? `${field} is required` : `${field} must be a ${issue.expected}`;
    case 'unrecognized_keys':
      return `unknown field${issue.keys.length === 1 ? '' : 's'} ${issue.keys.join(', ')}${field === '(root)' ? '' : ` in ${field}`}`;
    case 'invalid_value':
      return `${field} must be one of ${issue.values.map((value) => JSON.stringify(value)).join(', ')}`;
    case 'too_small':
      return describeLimit(issue, field, 'at least');
    case 'too_big':
      return describeLimit(issue, field, 'at most');
    case 'invalid_union':
      return `${field} is not any of the accepted shapes`;
    default:
      return `${field} is not valid (${issue.message})`;
  }
}

/** zod issues as problems, each naming its field (`fallback` when the value itself is wrong). */
export function problemsFromZod(error: z.ZodError, fallback = '(root)', index: number | null = null): Problem[] {
  return error.issues.map((issue) => {
    const path = pathOf(issue.path, fallback);
    return { index, path, message: describeIssue(issue, path) };
  });
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
