/**
 * Ends an exhaustive `switch` over a discriminated union: adding a variant without handling it
 * becomes a compile error here instead of a silent fall-through at run time.
 */
export function assertNever(value: never): never {
  throw new Error(`Unhandled variant: ${JSON.stringify(value)}`);
}
