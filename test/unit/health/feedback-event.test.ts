import { describe, expect, it } from 'vitest';
import { validateEventBatch } from '../../../shared/domain/events/validate-batch';

const window = { maxAgeDays: 400, maxFutureSkewMs: 300_000 };
const now = new Date('2026-11-24T12:00:00Z');
const feedback = (extra: Record<string, unknown>) => ({
  eventId: 'f1',
  userId: 'u1',
  type: 'feedback',
  feature: 'upload',
  rating: 2,
  timestamp: '2026-11-24T10:00:00Z',
  ...extra,
});

describe('feedback events', () => {
  it('are accepted with a feature, a rating from 1 to 5 and an optional comment of up to 500 characters', () => {
    // Act
    const result = validateEventBatch({ events: [feedback({}), feedback({ eventId: 'f2', rating: 5, comment: 'x'.repeat(500) })] }, now, window);

    // Assess
    expect(result.ok).toBe(true);
  });

  it('reject the whole batch on a bad rating or an oversized comment, naming each field', () => {
    // Prepare
    const events = [
      { eventId: 's1', userId: 'u1', type: 'session', timestamp: '2026-11-24T10:00:00Z' },
      feedback({ rating: 0 }),
      feedback({ rating: 4.5 }),
      feedback({ comment: 'x'.repeat(501) }),
      feedback({ rating: undefined }),
    ];

    // Act
    const result = validateEventBatch({ events }, now, window);

    // Assess
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((problem) => [problem.index, problem.path])).toEqual([
      [1, 'rating'],
      [2, 'rating'],
      [3, 'comment'],
      [4, 'rating'],
    ]);
  });
});
