import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../../infra/local/local-runtime';
import { countIncentiveEvent } from '../../../shared/application/loyalty';
import type { BehaviourEvent } from '../../../shared/domain/events/behaviour-event';
import { IncentiveRule, incentiveGrantCap, type GrantEntry } from '../../../shared/domain/loyalty';
import { startTestRuntime } from '../../support/test-runtime';
import { defaultRules, freshUser, servicesOn } from './loyalty-fixtures';

let runtime: LocalRuntime;

beforeAll(async () => {
  runtime = await startTestRuntime();
}, 240_000);
afterAll(async () => {
  await runtime?.stop();
});

/** Two searches a day earn 20 points, at most twice per user. */
const twoSearchesADay = IncentiveRule.parse({
  ruleId: 'daily-searches-capped',
  eventType: 'search',
  count: 2,
  window: 'calendar-day',
  rewardPoints: 20,
  capPerUser: 2,
});
const services = () => servicesOn(runtime, { ...defaultRules(), incentives: [twoSearchesADay] });

const DAYS = ['2031-03-03', '2031-03-04', '2031-03-05', '2031-03-06', '2031-03-07', '2031-03-08'];
const search = (userId: string, eventId: string, timestamp: string): BehaviourEvent => ({
  userId,
  type: 'search',
  eventId: `${userId}-${eventId}`,
  query: 'jazz',
  timestamp,
});

function grant(userId: string, id: string): GrantEntry {
  return { kind: 'grant', id: `${userId}-${id}`, userId, account: 'points', reason: 'incentive', amount: 20, occurredAt: '2031-03-03T10:00:00.000Z' };
}

describe('an incentive is never granted beyond its cap per user', () => {
  it('grants exactly the cap when six windows of one user complete at the same time, and a redelivery adds nothing', async () => {
    // Prepare: the first search of six days (no profile: the default time zone, UTC).
    const loyalty = services();
    const userId = freshUser('capped');
    for (const day of DAYS) await countIncentiveEvent(loyalty, search(userId, `${day}-a`, `${day}T09:00:00.000Z`));
    const completing = DAYS.map((day) => search(userId, `${day}-b`, `${day}T10:00:00.000Z`));

    // Act: the six completing searches are counted concurrently (e.g. two shards, or a redelivered batch racing a new one).
    const concurrent = (await Promise.all(completing.map((event) => countIncentiveEvent(loyalty, event)))).flat();
    const redelivered = (await Promise.all(completing.map((event) => countIncentiveEvent(loyalty, event)))).flat();

    // Assess
    const outcomes = concurrent.flatMap((result) => result.grants);
    expect(outcomes.filter((outcome) => outcome === 'appended')).toHaveLength(2);
    expect(outcomes.filter((outcome) => outcome !== 'appended' && outcome !== 'cap-reached')).toEqual([]);
    expect(redelivered.flatMap((result) => result.grants).filter((outcome) => outcome === 'appended')).toEqual([]);
    expect((await loyalty.ledger.history(userId)).filter((entry) => entry.kind === 'grant' && entry.reason === 'incentive')).toHaveLength(2);
    expect((await loyalty.ledger.balance(userId, 'points')).amount).toBe(2 * twoSearchesADay.rewardPoints);
  }, 60_000);

  it('lets concurrent appends under one cap through exactly max times; the rest answer cap-reached', async () => {
    // Prepare
    const { ledger } = services();
    const userId = freshUser('cap-ledger');
    const cap = incentiveGrantCap(twoSearchesADay);
    const entries = ['w1', 'w2', 'w3', 'w4', 'w5'].map((id) => grant(userId, id));

    // Act
    const outcomes = await Promise.all(entries.map((entry) => ledger.append(entry, { cap })));

    // Assess
    const kinds = outcomes.map((outcome) => outcome.kind);
    expect(kinds.filter((kind) => kind === 'appended')).toHaveLength(2);
    expect(kinds.filter((kind) => kind === 'cap-reached')).toHaveLength(3);
    expect(outcomes.find((outcome) => outcome.kind === 'cap-reached')).toMatchObject({ capKey: cap.key, max: 2 });
    expect(await ledger.balance(userId, 'points')).toEqual({ amount: 40, version: 2 });
  }, 60_000);

  it('answers already-granted to a retried grant without counting it against the cap again', async () => {
    // Prepare: one grant of two allowed.
    const { ledger } = services();
    const userId = freshUser('cap-retry');
    const cap = incentiveGrantCap(twoSearchesADay);
    const first = grant(userId, 'w1');
    await ledger.append(first, { cap });

    // Act: the same grant retried three times at once, then three new windows at once.
    const retries = await Promise.all([first, first, first].map((entry) => ledger.append(entry, { cap })));
    const newWindows = await Promise.all(['w2', 'w3', 'w4'].map((id) => ledger.append(grant(userId, id), { cap })));

    // Assess: the retries took no place, so exactly one new window still fits.
    expect(retries.map((outcome) => outcome.kind)).toEqual(['already-granted', 'already-granted', 'already-granted']);
    expect(newWindows.map((outcome) => outcome.kind).sort()).toEqual(['appended', 'cap-reached', 'cap-reached']);
    expect((await ledger.history(userId)).map((entry) => entry.id)).toHaveLength(2);
    expect((await ledger.balance(userId, 'points')).amount).toBe(40);
  }, 60_000);
});
