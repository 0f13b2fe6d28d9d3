/** Ends an exhaustive switch: the compiler proves it unreachable, and at run time it throws. */
export function assertNever(value: never, what = 'value'): never {
  throw new Error(`Unexpected ${what}: ${JSON.stringify(value)}`);
}
