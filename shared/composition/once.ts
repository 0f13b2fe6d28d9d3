/** Memoizes a factory: a composition section reads its configuration once, on first use. */
export function once<T>(factory: () => T): () => T {
  let made: { value: T } | undefined;
  return () => (made ??= { value: factory() }).value;
}
