import { describe, expect, it } from 'vitest';
import {
  addUserToHealthTally,
  computeHealthDay,
  emptyHealthTally,
  finishHealthDay,
  isoWeekOf,
  mergeHealthTallies,
  mondayOfIsoWeek,
  type HealthDayOptions,
} from '../../../shared/domain/health';
import { userActiveAt } from './health-fixtures';

const noMessages = { sent: 0, complaints: 0, bounces: 0, unsubscribes: 0 };
const shanghai = (day: string): HealthDayOptions & { benchmarks: Record<string, number> } => ({
  day,
  timeZone: 'Asia/Shanghai',
  coreFeatures: [],
  cohortWeeks: 12,
  traceBaseDay: day,
  benchmarks: {},
});

// Reporting day 2026-11-10 in Shanghai (UTC+8) runs from 2026-11-09T16:00Z to 2026-11-10T16:00Z.
const population = [
  userActiveAt('u1', ['2026-11-09T15:59:00Z', '2026-11-09T16:30:00Z']), // local 11-09 23:59 and 11-10 00:30
  userActiveAt('u2', ['2026-11-10T15:45:00Z', '2026-11-10T16:00:00Z']), // local 11-10 23:45; 11-11 00:00 is after the day
  userActiveAt('u3', ['2026-11-05T02:00:00Z']), // 11-05
  userActiveAt('u4', ['2026-10-20T02:00:00Z']), // 21 days before: in MAU only
  userActiveAt('u5', ['2026-10-01T02:00:00Z']), // 40 days before: known, not in MAU
  userActiveAt('u6', ['2026-11-09T04:00:00Z', '2026-11-10T04:00:00Z']), // new yesterday, back today
  userActiveAt('u7', ['2026-11-09T10:00:00Z']), // new yesterday, not back
];

describe('daily metrics at the reporting zone day boundary', () => {
  it('counts DAU, WAU, MAU, stickiness, the histogram, D1 and the 7-day active rate by Shanghai days', () => {
    // Prepare: the population above; hand-computed for 2026-11-10.
    // Act
    const day = computeHealthDay(population, noMessages, shanghai('2026-11-10'));

    // Assess: DAU u1, u2, u6; WAU + u3, u7; MAU + u4. u1's first day is local 11-09 (23:59), so D1 has u1, u6, u7 new, u1 and u6 back.
    expect(day).toMatchObject({ usersKnown: 7, dau: 3, wau: 5, mau: 6, stickiness: 0.5, activeRate7: 0.714286 });
    expect(day.share7).toEqual([0.6, 0.4, 0, 0, 0, 0, 0]);
    expect(day.share30.slice(0, 3)).toEqual([0.666667, 0.333333, 0]);
    expect(day.d1).toEqual({ newUsers: 3, retained: 2, rate: 0.666667 });
  });

  it('reads the same instants differently in UTC: u1 is not active on the UTC day 11-10', () => {
    // Act
    const utc = computeHealthDay(population, noMessages, { ...shanghai('2026-11-10'), timeZone: 'UTC' });

    // Assess: UTC 11-10 has u2 (15:45, 16:00) and u6 only.
    expect(utc.dau).toBe(2);
  });
});

describe('daily metrics across a DST change', () => {
  // New York leaves DST on 2026-11-01 at 02:00 local: that day is 25 hours, 04:00Z to 05:00Z next day.
  const users = [
    userActiveAt('a', ['2026-11-02T04:30:00Z']), // 11-01 23:30 EST (would be 11-02 00:30 at the summer offset)
    userActiveAt('b', ['2026-11-01T03:30:00Z']), // 10-31 23:30 EDT
    userActiveAt('c', ['2026-11-02T05:00:00Z']), // 11-02 00:00 EST
  ];
  const newYork = (day: string) => ({ ...shanghai(day), timeZone: 'America/New_York' });

  it('puts each instant on its local day on both sides of the change', () => {
    // Act
    const nov1 = computeHealthDay(users, noMessages, newYork('2026-11-01'));
    const nov2 = computeHealthDay(users, noMessages, newYork('2026-11-02'));
    const oct31 = computeHealthDay(users, noMessages, newYork('2026-10-31'));

    // Assess
    expect([oct31.dau, nov1.dau, nov2.dau]).toEqual([1, 1, 1]);
    expect(nov2).toMatchObject({ wau: 3, usersKnown: 3, d1: { newUsers: 1, retained: 0, rate: 0 } });
  });
});

describe('daily metrics across the spring DST change', () => {
  it('counts a day of 23 hours: 00:30 EDT on 03-09 is not on 03-08', () => {
    // Prepare: New York enters DST on 2026-03-08 at 02:00; that day runs 05:00Z to 04:00Z next day.
    const users = [
      userActiveAt('early', ['2026-03-08T04:30:00Z']), // 03-07 23:30 EST
      userActiveAt('late', ['2026-03-09T03:45:00Z']), // 03-08 23:45 EDT
      userActiveAt('next', ['2026-03-09T04:30:00Z']), // 03-09 00:30 EDT (23:30 on 03-08 at the winter offset)
    ];
    const options = (day: string) => ({ ...shanghai(day), timeZone: 'America/New_York' });

    // Act
    const daus = ['2026-03-07', '2026-03-08', '2026-03-09'].map((day) => computeHealthDay(users, noMessages, options(day)).dau);

    // Assess
    expect(daus).toEqual([1, 1, 1]);
  });
});

describe('weekly cohort retention', () => {
  // Cohort week of Monday 2026-11-02; reporting day Monday 2026-11-30 (noon in Shanghai each time).
  const cohort = [
    userActiveAt('x', ['2026-11-02T04:00:00Z', '2026-11-10T04:00:00Z']), // ages 0, 8
    userActiveAt('y', ['2026-11-04T04:00:00Z', '2026-11-20T04:00:00Z']), // ages 0, 16
    userActiveAt('z', ['2026-11-08T04:00:00Z']), // age 0 only
  ];

  it('gives N-day and unbounded retention by week since each user first day, over users whose week has ended', () => {
    // Act
    const day = computeHealthDay(cohort, noMessages, shanghai('2026-11-30'));

    // Assess: weeks ended by 11-30: x 0–3 (28 days), y 0–2 (26), z 0–2 (22), so eligible 3, 3, 3, 1.
    // N-day: week 1 only x, week 2 only y, week 3 none. Unbounded (active in week n or later): x up to 1, y up to 2.
    expect(day.cohorts).toEqual([
      { cohort: '2026-11-02', week: '2026-W45', users: 3, nDay: [1, 0.333333, 0.333333, 0], unbounded: [1, 0.666667, 0.333333, 0] },
    ]);
  });

  it('keeps only the configured number of cohort weeks', () => {
    // Act
    const day = computeHealthDay(cohort, noMessages, { ...shanghai('2026-11-30'), cohortWeeks: 4 });

    // Assess: the newest four cohorts are the weeks of 11-30, 11-23, 11-16, 11-09.
    expect(day.cohorts).toEqual([]);
  });
});

describe('feature penetration and trace', () => {
  it('divides each core feature users of the last 7 UTC days by the users active in them', () => {
    // Prepare
    const users = [
      userActiveAt('p1', ['2026-11-10T04:00:00Z'], { features: { '2026-11-10T05:00:00Z': 'playlist' }, segment: 'Champions' }),
      userActiveAt('p2', ['2026-11-05T04:00:00Z'], { features: { '2026-11-05T05:00:00Z': 'share' }, segment: 'At Risk' }),
      userActiveAt('p3', ['2026-11-07T04:00:00Z', '2026-11-10T04:00:00Z'], { features: { '2026-11-07T05:00:00Z': 'playlist' }, segment: 'At Risk' }),
      userActiveAt('p4', ['2026-11-02T04:00:00Z'], { features: { '2026-11-02T05:00:00Z': 'playlist' } }), // 8 days before: outside
    ];

    // Act
    const day = computeHealthDay(users, noMessages, {
      ...shanghai('2026-11-10'),
      coreFeatures: ['playlist', 'upload'],
      benchmarks: { playlist: 0.5 },
      traceBaseDay: '2026-11-07',
    });

    // Assess: 3 users active in the 7 UTC days, 2 of them used playlist.
    expect(day.features).toEqual([
      { feature: 'playlist', users: 2, rate: 0.666667, benchmark: 0.5 },
      { feature: 'upload', users: 0, rate: 0, benchmark: 0 },
    ]);
    expect(day.trace).toEqual({
      baseDay: '2026-11-07',
      featuresToday: { playlist: 1 },
      featuresBase: { playlist: 1 },
      segmentsToday: { Champions: 1, 'At Risk': 1 },
      segmentsBase: { 'At Risk': 1 },
    });
  });
});

describe('segment tallies', () => {
  it('add up to the fold over all users', () => {
    // Prepare
    const options = shanghai('2026-11-10');
    const left = emptyHealthTally();
    const right = emptyHealthTally();
    population.forEach((user, i) => addUserToHealthTally(i % 2 === 0 ? left : right, user, options));

    // Act
    const merged = finishHealthDay(mergeHealthTallies(left, right), noMessages, options);

    // Assess
    expect(merged).toEqual(computeHealthDay(population, noMessages, options));
  });
});

describe('ISO weeks', () => {
  it('name weeks as ISO 8601 does, across a year end', () => {
    // Assess: 2026-12-31 is a Thursday of week 53; 2027-01-04 a Monday of week 1.
    expect([isoWeekOf('2026-12-31'), isoWeekOf('2027-01-03'), isoWeekOf('2027-01-04'), isoWeekOf('2026-11-02')]).toEqual([
      '2026-W53',
      '2026-W53',
      '2027-W01',
      '2026-W45',
    ]);
    expect(mondayOfIsoWeek('2026-W45')).toBe('2026-11-02');
  });
});
