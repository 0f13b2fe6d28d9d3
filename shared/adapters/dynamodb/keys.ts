/**
 * Key layout. Every partition key holds one user's items, so no partition is hot however many
 * users there are; system-wide items live in the operations table under sharded keys.
 *
 * Events table:  pk USER#<userId>  sk EVENT#<eventId>                       (raw events, TTL; the id decides)
 * Users table:   pk USER#<userId>  sk PROFILE                               (profile)
 *                                  sk MONTH#<YYYY-MM>                       (that month's daily aggregates, TTL)
 *
 * Daily aggregates are kept one item per user and month (a map of day -> aggregate): a year of
 * history is 12 small items, which keeps the nightly scan and a profile read cheap.
 */
export const keys = {
  userPk: (userId: string) => `USER#${userId}`,
  userIdOf: (pk: string) => pk.slice('USER#'.length),
  profileSk: 'PROFILE',
  monthSk: (day: string) => `MONTH#${day.slice(0, 7)}`,
  monthPrefix: 'MONTH#',
  eventSk: (eventId: string) => `EVENT#${eventId}`,
};

/** Epoch seconds `days` after `from`, for a TTL attribute. */
export function expiresAfterDays(from: Date | string, days: number): number {
  return Math.floor(new Date(from).getTime() / 1000) + days * 86_400;
}
