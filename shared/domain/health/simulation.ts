import { generatePopulation, type SyntheticEvent } from '../seed';

/**
 * The seeded population's behaviour of one more day, for `rekindle simulate`: the same seed and
 * users as the seeding, drawn with the same habits for the day ending at `dayEnd`, each user's day
 * kept with probability `activity` (a stable hash of seed, user and day, so a rerun sends the same
 * events). Event ids are prefixed with the day so they never collide with the seeded history.
 */
export function simulatedDay(options: { users: number; seed: number; dayEnd: Date; activity: number }): SyntheticEvent[] {
  const day = options.dayEnd.toISOString().slice(0, 10);
  const from = options.dayEnd.getTime() - 86_400_000;
  const events: SyntheticEvent[] = [];
  for (const user of generatePopulation({ users: options.users, days: 1, seed: options.seed, endDate: options.dayEnd })) {
    const draw = unitHash(`${options.seed}:${user.profile.userId}:${day}`);
    if (draw >= options.activity) continue;
    for (const event of user.events) {
      const at = Date.parse(event.timestamp);
      if (at > from && at <= options.dayEnd.getTime()) events.push({ ...event, eventId: `sim-${day}-${event.eventId}` });
    }
  }
  return events.sort((a, b) => (a.timestamp < b.timestamp ? -1 : 1));
}

/** FNV-1a of a text, as a number in [0, 1). */
function unitHash(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return hash / 0x1_0000_0000;
}
