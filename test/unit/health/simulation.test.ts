import { describe, expect, it } from 'vitest';
import { simulatedDay } from '../../../shared/domain/health/simulation';

const dayEnd = new Date('2026-12-02T00:00:00Z');

describe('simulatedDay', () => {
  it("sends the population's habits of the day, the same on a rerun, with ids apart from the history", () => {
    // Act
    const all = simulatedDay({ users: 200, seed: 42, dayEnd, activity: 1 });
    const again = simulatedDay({ users: 200, seed: 42, dayEnd, activity: 1 });

    // Assess
    expect(all.length).toBeGreaterThan(0);
    expect(again).toEqual(all);
    expect(
      all.every(
        (event) =>
          event.eventId.startsWith('sim-2026-12-02-') &&
          Date.parse(event.timestamp) > dayEnd.getTime() - 86_400_000 &&
          Date.parse(event.timestamp) <= dayEnd.getTime(),
      ),
    ).toBe(true);
  });

  it('keeps a share of the users by --activity, as a subset of the full day', () => {
    // Act
    const all = simulatedDay({ users: 200, seed: 42, dayEnd, activity: 1 });
    const third = simulatedDay({ users: 200, seed: 42, dayEnd, activity: 0.33 });
    const none = simulatedDay({ users: 200, seed: 42, dayEnd, activity: 0 });

    // Assess
    const usersOf = (events: typeof all) => new Set(events.map((event) => event.userId));
    expect(none).toEqual([]);
    expect([...usersOf(third)].every((user) => usersOf(all).has(user))).toBe(true);
    expect(usersOf(third).size / usersOf(all).size).toBeGreaterThan(0.15);
    expect(usersOf(third).size / usersOf(all).size).toBeLessThan(0.55);
  });
});
