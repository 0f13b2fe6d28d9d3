/**
 * Ends an exhaustive `switch`: the compiler refuses the call while a case is unhandled, and at
 * run time a value the types said was impossible fails loudly instead of falling through.
 */
export function assertNever(value: never): never {
  throw new Error(`Unexpected value: ${JSON.stringify(value)}`);
}
