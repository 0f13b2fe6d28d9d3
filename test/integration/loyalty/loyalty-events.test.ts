import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../../infra/local/local-runtime';
import { dynamoDocumentClient } from '../../../shared/adapters/dynamodb/client';
import { loyaltyKeys } from '../../../shared/adapters/loyalty/loyalty-keys';
import { addLocalDays, growthEntryIdOf, isoWeekOf, localDayOf, rewardIds, type LocalDay } from '../../../shared/domain/loyalty';
import { MS_PER_DAY, wallClockAsUtcMs, wallClockAt } from '../../../shared/domain/common';
import { call, startTestRuntime, tableNamed } from '../../support/test-runtime';
import { createProfile, freshUser, moveTo } from './loyalty-fixtures';

/** The first local day after tomorrow on which `timeZone`'s clocks move forward (noon to noon is 23 hours). */
function nextSpringForwardDay(now: Date, timeZone: string): LocalDay {
  const offsetAt = (instant: Date) => wallClockAsUtcMs(wallClockAt(instant, timeZone)) - instant.getTime();
  for (let days = 2; days <= 400; days++) {
    const noon = new Date(now.getTime() + days * MS_PER_DAY);
    if (offsetAt(noon) > offsetAt(new Date(noon.getTime() - MS_PER_DAY))) return localDayOf(noon, timeZone);
  }
  throw new Error(`${timeZone} has no spring-forward day within 400 days`);
}

const SHANGHAI = 'Asia/Shanghai';
const NEW_YORK = 'America/New_York';
let runtime: LocalRuntime;

beforeAll(async () => {
  runtime = await startTestRuntime();
}, 240_000);
afterAll(async () => {
  await runtime?.stop();
});

interface LedgerView {
  points: number;
  growth: number;
  level: string;
  history: Array<{ id: string; reason: string; amount?: number }>;
}
const pointsOf = async (userId: string) => (await call(runtime, 'GET', `/v1/users/${userId}/points`)).body as unknown as LedgerView;
const incentiveGrantsOf = async (userId: string) => (await pointsOf(userId)).history.filter((entry) => entry.reason === 'incentive');
const report = async () => {
  const answer = await call(runtime, 'GET', '/v1/incentives/report');
  expect(answer.status).toBe(200);
  return (answer.body.rules as Array<{ ruleId: string; exposed: number; completed: number; rate: number | null }>).find(
    (row) => row.ruleId === 'weekly-searches',
  )!;
};

/** The Monday of a local week that starts at least a week after the clock's local day. */
function mondayAhead(timeZone: string): LocalDay {
  let day = addLocalDays(localDayOf(runtime.clock.now(), timeZone), 7);
  while (isoWeekOf(day) === isoWeekOf(addLocalDays(day, -1))) day = addLocalDays(day, 1);
  return day;
}

/** Posts the user's searches now (by the virtual clock), with the given event ids. */
async function search(userId: string, ...eventIds: string[]) {
  const timestamp = runtime.clock.now().toISOString();
  const events = eventIds.map((eventId) => ({ userId, type: 'search', eventId: `${userId}-${eventId}`, query: 'jazz', timestamp }));
  const answer = await call(runtime, 'POST', '/v1/events', { body: { events } });
  expect(answer.status).toBeLessThan(300);
}

describe('key-behaviour incentives: 3 searches in a calendar week earn 20 points', () => {
  it('grants 20 points once for three searches in one local week; a fourth and duplicates add nothing', async () => {
    // Prepare
    const userId = freshUser('searcher');
    await createProfile(runtime, userId, SHANGHAI);
    const monday = mondayAhead(SHANGHAI);

    // Act
    moveTo(runtime, monday, '10:00', SHANGHAI);
    await search(userId, 's1');
    // The producer re-sends s1 a moment later: stored again (new timestamp), but the same event.
    runtime.clock.advance(60_000);
    await search(userId, 's1');
    moveTo(runtime, addLocalDays(monday, 1), '10:00', SHANGHAI);
    await search(userId, 's2', 's2');
    await runtime.settle();
    const afterTwo = await incentiveGrantsOf(userId);
    moveTo(runtime, addLocalDays(monday, 2), '10:00', SHANGHAI);
    await search(userId, 's3');
    await runtime.settle();
    const afterThree = await pointsOf(userId);
    moveTo(runtime, addLocalDays(monday, 3), '10:00', SHANGHAI);
    await search(userId, 's4', 's5', 's6');
    await search(userId, 's3');
    await runtime.settle();

    // Assess
    expect(runtime.streamFailures).toEqual([]);
    expect(afterTwo).toEqual([]);
    expect(afterThree.points).toBe(20);
    const grants = await incentiveGrantsOf(userId);
    expect(grants).toEqual([expect.objectContaining({ amount: 20, id: `incentive#${userId}#weekly-searches#${isoWeekOf(monday)}` })]);
    expect((await pointsOf(userId)).points).toBe(20);
  }, 60_000);

  it('counts a search at 23:30 Sunday in Asia/Shanghai in that local week, and 00:30 Monday in the next', async () => {
    // Prepare
    const userId = freshUser('sunday');
    await createProfile(runtime, userId, SHANGHAI);
    const monday = mondayAhead(SHANGHAI);
    const sunday = addLocalDays(monday, 6);
    moveTo(runtime, addLocalDays(monday, 5), '12:00', SHANGHAI);
    await search(userId, 'sat1', 'sat2');

    // Act
    moveTo(runtime, sunday, '23:30', SHANGHAI);
    await search(userId, 'sun');
    // Still Sunday (16:30) in UTC, but Monday in Shanghai: the next local week.
    moveTo(runtime, addLocalDays(sunday, 1), '00:30', SHANGHAI);
    await search(userId, 'mon1', 'mon2');
    await runtime.settle();

    // Assess
    expect(runtime.streamFailures).toEqual([]);
    expect((await incentiveGrantsOf(userId)).map((entry) => entry.id)).toEqual([`incentive#${userId}#weekly-searches#${isoWeekOf(monday)}`]);
  }, 60_000);

  it('reports conversion as users who completed / users exposed', async () => {
    // Prepare
    const before = await report();
    const completer = freshUser('conv-yes');
    const browser = freshUser('conv-no');
    await createProfile(runtime, completer, SHANGHAI);
    await createProfile(runtime, browser, SHANGHAI);
    moveTo(runtime, mondayAhead(SHANGHAI), '10:00', SHANGHAI);

    // Act
    await search(completer, 'a', 'b', 'c', 'd');
    await search(browser, 'a');
    await runtime.settle();
    // Next week: exposed again, but still one user each.
    moveTo(runtime, mondayAhead(SHANGHAI), '10:00', SHANGHAI);
    await search(completer, 'e', 'f', 'g');
    await search(browser, 'b');
    await runtime.settle();
    const after = await report();

    // Assess
    expect(runtime.streamFailures).toEqual([]);
    expect(after.exposed - before.exposed).toBe(2);
    expect(after.completed - before.completed).toBe(1);
    expect(after.rate).toBeCloseTo(after.completed / after.exposed, 10);
    expect((await pointsOf(completer)).points).toBe(40);
  }, 60_000);
});

describe('growth level changes', () => {
  it('publishes GrowthLevelChanged to EventBridge when a purchase crosses 1,000', async () => {
    // Prepare
    const userId = freshUser('vip');
    const purchase = {
      userId,
      type: 'purchase',
      eventId: `${userId}-p1`,
      orderId: `${userId}-o1`,
      amount: 1200,
      currency: 'CNY',
      timestamp: runtime.clock.now().toISOString(),
    };

    // Act
    await call(runtime, 'POST', '/v1/events', { body: { events: [purchase] } });
    await runtime.settle();

    // Assess
    expect(runtime.streamFailures).toEqual([]);
    expect(await pointsOf(userId)).toMatchObject({ growth: 1200, level: 'vip' });
    const usersTable = tableNamed(runtime, 'UsersTable');
    const changeId = rewardIds.levelChange(userId, growthEntryIdOf({ kind: 'purchase', userId, eventId: `${userId}-o1` }));
    const recorded = await dynamoDocumentClient().send(
      new GetCommand({ TableName: usersTable, Key: { pk: loyaltyKeys.userPk(userId), sk: loyaltyKeys.levelChangeSk(changeId) } }),
    );
    // Marked only after PutEvents answered without a failed entry.
    expect(recorded.Item).toMatchObject({ published: true, change: { from: 'newcomer', to: 'vip' } });
  }, 60_000);
});

describe('check-in across a daylight-saving change', () => {
  it('counts each New York evening check-in for its local day and keeps the streak over the spring-forward day', async () => {
    // Prepare: the next spring-forward day in America/New_York after the clock's today (the clock
    // only moves forward), and the check-in days around it.
    const springForward = nextSpringForwardDay(runtime.clock.now(), NEW_YORK);
    const [before, after, later] = [-1, 1, 2].map((days) => addLocalDays(springForward, days)) as [LocalDay, LocalDay, LocalDay];
    const userId = freshUser('dst');
    await createProfile(runtime, userId, NEW_YORK);
    moveTo(runtime, before, '08:00', NEW_YORK);
    const enrolled = await call(runtime, 'POST', '/v1/programs/checkin/enrollments', { body: { userId }, auth: 'marketer' });

    // Act
    const answers = [];
    for (const day of [before, springForward, after, later]) {
      moveTo(runtime, day, '21:30', NEW_YORK);
      answers.push((await call(runtime, 'POST', `/v1/users/${userId}/checkins`)).body);
    }

    // Assess
    expect(enrolled.status).toBe(201);
    expect(answers.map((answer) => [answer.day, answer.dayNumber, answer.streak])).toEqual([
      [before, 1, 1],
      [springForward, 2, 2],
      [after, 3, 3],
      [later, 4, 4],
    ]);
    expect((await pointsOf(userId)).points).toBe(40);
  }, 60_000);
});
