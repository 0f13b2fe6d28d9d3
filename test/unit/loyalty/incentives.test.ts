import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InMemoryLedgerStore } from '../../support/fakes/ledger-store';
import {
  type BehaviourEvent,
  IncentiveRule,
  IncentiveRules,
  evaluateIncentiveRule,
  incentiveConversion,
  incentiveGrantCap,
  incentiveWindowsGranted,
} from '../../../shared/domain/loyalty/incentives';

const threeSearchesAWeek = IncentiveRule.parse({
  ruleId: 'search-3-week',
  eventType: 'search',
  count: 3,
  window: 'calendar-week',
  rewardPoints: 20,
  capPerUser: 2,
});

const search = (eventId: string, occurredAt: string): BehaviourEvent => ({ eventId, type: 'search', occurredAt });

describe('key-behaviour incentives', () => {
  it('grants 20 points for 3 searches in one calendar week, dated at the third search', () => {
    // Prepare: Mon 12 May – Sun 18 May 2025 is 2025-W20; a login does not count.
    const events = [
      search('s1', '2025-05-12T02:00:00.000Z'),
      { eventId: 'l1', type: 'login', occurredAt: '2025-05-12T03:00:00.000Z' },
      search('s2', '2025-05-14T02:00:00.000Z'),
      search('s3', '2025-05-18T10:00:00.000Z'),
    ];

    // Act
    const grants = evaluateIncentiveRule({
      rule: threeSearchesAWeek,
      userId: 'u1',
      timeZone: 'Europe/Paris',
      events,
      alreadyGrantedWindows: new Set(),
    });

    // Assess
    expect(grants).toEqual([
      {
        kind: 'grant',
        id: 'incentive#u1#search-3-week#2025-W20',
        userId: 'u1',
        account: 'points',
        reason: 'incentive',
        amount: 20,
        occurredAt: '2025-05-18T10:00:00.000Z',
      },
    ]);
  });

  it('splits weeks by the user’s time zone: Sunday 23:30 in Shanghai is not next week', () => {
    // Prepare: 18 May 15:30Z is Sunday 23:30 in Shanghai (W20); 16:30Z is Monday 00:30 (W21).
    const events = [
      search('s1', '2025-05-17T02:00:00.000Z'),
      search('s2', '2025-05-18T02:00:00.000Z'),
      search('s3', '2025-05-18T15:30:00.000Z'),
      search('s4', '2025-05-18T16:30:00.000Z'),
    ];

    // Act
    const grants = evaluateIncentiveRule({ rule: threeSearchesAWeek, userId: 'u1', timeZone: 'Asia/Shanghai', events, alreadyGrantedWindows: new Set() });

    // Assess
    expect(grants.map((grant) => grant.id)).toEqual(['incentive#u1#search-3-week#2025-W20']);
  });

  it('counts duplicate events once, grants once per window and stops at the cap', async () => {
    // Prepare: three completed weeks, cap 2; s1 delivered twice cannot complete W19 alone.
    const ledger = new InMemoryLedgerStore();
    const weekOf = (prefix: string, days: readonly string[]) => days.map((date, index) => search(`${prefix}${index}`, `${date}T09:00:00.000Z`));
    const events = [
      search('s1', '2025-05-05T09:00:00.000Z'),
      search('s1', '2025-05-05T09:00:00.000Z'),
      search('s2', '2025-05-06T09:00:00.000Z'),
      ...weekOf('w20-', ['2025-05-12', '2025-05-13', '2025-05-14']),
      ...weekOf('w21-', ['2025-05-19', '2025-05-20', '2025-05-21']),
      ...weekOf('w22-', ['2025-05-26', '2025-05-27', '2025-05-28']),
    ];

    // Act: evaluate, append, then evaluate again from the ledger.
    const first = evaluateIncentiveRule({ rule: threeSearchesAWeek, userId: 'u1', timeZone: 'UTC', events, alreadyGrantedWindows: new Set() });
    for (const grant of first) await ledger.append(grant);
    const granted = incentiveWindowsGranted(await ledger.history('u1'), 'u1', threeSearchesAWeek.ruleId);
    const second = evaluateIncentiveRule({ rule: threeSearchesAWeek, userId: 'u1', timeZone: 'UTC', events, alreadyGrantedWindows: granted });

    // Assess: 2 grants × 20 = 40 points, none more on re-evaluation.
    expect(first.map((grant) => grant.id)).toEqual(['incentive#u1#search-3-week#2025-W20', 'incentive#u1#search-3-week#2025-W21']);
    expect([...granted]).toEqual(['2025-W20', '2025-W21']);
    expect(second).toEqual([]);
    expect((await ledger.balance('u1', 'points')).amount).toBe(40);
  });

  it('holds the cap when windows are evaluated at the same time from one stale read, by appending under the rule’s cap', async () => {
    // Prepare: three weeks, each completed by its own evaluation; all three read an empty ledger (cap 2).
    const ledger = new InMemoryLedgerStore();
    const weeks = ['2025-05-12', '2025-05-19', '2025-05-26'].map((monday, week) =>
      [0, 1, 2].map((day) => search(`w${week}-${day}`, new Date(Date.parse(`${monday}T09:00:00Z`) + day * 86_400_000).toISOString())),
    );
    const evaluations = weeks.map((events) =>
      evaluateIncentiveRule({ rule: threeSearchesAWeek, userId: 'u1', timeZone: 'UTC', events, alreadyGrantedWindows: new Set() }),
    );

    // Act
    const outcomes = await Promise.all(evaluations.flat().map((grant) => ledger.append(grant, { cap: incentiveGrantCap(threeSearchesAWeek) })));

    // Assess: each evaluation alone saw room, the cap let two through.
    expect(evaluations.map((grants) => grants.length)).toEqual([1, 1, 1]);
    expect(outcomes.map((outcome) => outcome.kind)).toEqual(['appended', 'appended', 'cap-reached']);
    expect((await ledger.balance('u1', 'points')).amount).toBe(40);
  });

  it('never grants more than the cap nor twice for a window', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ id: fc.integer({ min: 0, max: 40 }), minute: fc.integer({ min: 0, max: 60 * 24 * 90 }) }), { maxLength: 80 }),
        fc.constantFrom('calendar-day' as const, 'calendar-week' as const, 'calendar-month' as const),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 5 }),
        (raw, window, count, capPerUser) => {
          // Prepare
          const rule = IncentiveRule.parse({ ruleId: 'r', eventType: 'search', count, window, rewardPoints: 5, capPerUser });
          const events = raw.map(({ id, minute }) => search(`e${id}`, new Date(Date.parse('2025-01-01T00:00:00Z') + minute * 60_000).toISOString()));

          // Act
          const grants = evaluateIncentiveRule({ rule, userId: 'u', timeZone: 'America/New_York', events, alreadyGrantedWindows: new Set() });

          // Assess
          expect(grants.length).toBeLessThanOrEqual(capPerUser);
          expect(new Set(grants.map((grant) => grant.id)).size).toBe(grants.length);
          expect(grants.length).toBeLessThanOrEqual(Math.floor(new Set(raw.map(({ id }) => id)).size / count));
        },
      ),
    );
  });

  it('refuses rule sets with a repeated rule id', () => {
    // Prepare / Act
    const parsed = IncentiveRules.safeParse([threeSearchesAWeek, threeSearchesAWeek]);

    // Assess
    expect(parsed.success).toBe(false);
  });
});

describe('incentive conversion', () => {
  it('is completed / exposed, counting only exposed completers: 2 / 4 = 0.5', () => {
    // Prepare / Act
    const conversion = incentiveConversion('search-3-week', ['a', 'b', 'c', 'd', 'a'], ['a', 'c', 'stranger']);
    const nobody = incentiveConversion('search-3-week', [], ['a']);

    // Assess
    expect(conversion).toEqual({ ruleId: 'search-3-week', exposed: 4, completed: 2, rate: 0.5 });
    expect(nobody.rate).toBeNull();
  });
});
