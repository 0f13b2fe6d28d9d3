/**
 * The value–potential quadrant: current value (what a user has spent) against predicted future
 * value (CLV). A value strictly above its split point is "high"; the split points default to the
 * population medians.
 *
 * | current \ future | high          | low      |
 * |------------------|---------------|----------|
 * | high             | Star          | Cash Cow |
 * | low              | Question Mark | Dog      |
 */
export const VALUE_QUADRANTS = ['Star', 'Cash Cow', 'Question Mark', 'Dog'] as const;
export type ValueQuadrant = (typeof VALUE_QUADRANTS)[number];

/** The quadrant of one user given the split points. */
export function valueQuadrant(currentValue: number, futureValue: number, splits: { current: number; future: number }): ValueQuadrant {
  const highCurrent = currentValue > splits.current;
  const highFuture = futureValue > splits.future;
  if (highCurrent) return highFuture ? 'Star' : 'Cash Cow';
  return highFuture ? 'Question Mark' : 'Dog';
}
