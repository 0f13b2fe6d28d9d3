import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../../infra/local/local-runtime';
import { sweepCheckinPrograms } from '../../../shared/application/loyalty';
import type { LoyaltyPorts as LoyaltyServices } from '../../../shared/domain/loyalty';
import { addLocalDays } from '../../../shared/domain/loyalty';
import { call, startTestRuntime } from '../../support/test-runtime';
import { createProfile, dayAhead, freshUser, mailSubjectsOf, moveTo, servicesOn } from './loyalty-fixtures';

const SHANGHAI = 'Asia/Shanghai';
let runtime: LocalRuntime;
let services: LoyaltyServices;

beforeAll(async () => {
  runtime = await startTestRuntime();
  services = servicesOn(runtime);
}, 240_000);
afterAll(async () => {
  await runtime?.stop();
});

async function enrolledUser(timeZone = SHANGHAI) {
  const userId = freshUser();
  await createProfile(runtime, userId, timeZone);
  const start = dayAhead(runtime, 1, timeZone);
  moveTo(runtime, start, '08:00', timeZone);
  const enrolled = await call(runtime, 'POST', '/v1/programs/checkin/enrollments', { body: { userId }, auth: 'marketer' });
  expect(enrolled.status).toBe(201);
  return { userId, start };
}

const checkIn = (userId: string) => call(runtime, 'POST', `/v1/users/${userId}/checkins`);
const pointsOf = async (userId: string) =>
  (await call(runtime, 'GET', `/v1/users/${userId}/points`)).body as { points: number; history: unknown[]; coupons: Array<{ discount: unknown }> };
const programsOf = async (userId: string) =>
  (await call(runtime, 'GET', `/v1/users/${userId}/programs`)).body as {
    programs: Array<{ state: { status: { kind: string }; streak: number } }>;
    messages: Array<{ templateId: string; channel: string; outcome: string; reason?: string; at: string }>;
  };

describe('the 21-day check-in program on the local runtime', () => {
  it('gives 21 × 10 + 3 × 50 = 360 points and one coupon for all 21 days', async () => {
    // Prepare
    const { userId, start } = await enrolledUser();

    // Act
    const answers = [];
    for (let day = 0; day < 21; day += 1) {
      moveTo(runtime, addLocalDays(start, day), '09:00', SHANGHAI);
      answers.push(await checkIn(userId));
    }
    moveTo(runtime, addLocalDays(start, 21), '09:00', SHANGHAI);
    const afterTheEnd = await checkIn(userId);

    // Assess
    expect(answers.map((answer) => answer.status)).toEqual(Array(21).fill(201));
    expect(answers.map((answer) => answer.body.dayNumber)).toEqual(Array.from({ length: 21 }, (_, i) => i + 1));
    const points = await pointsOf(userId);
    expect(points.points).toBe(360);
    expect(points.history).toHaveLength(24);
    expect(points.coupons).toEqual([expect.objectContaining({ discount: { kind: 'percent-off', percent: 20 } })]);
    const programs = await programsOf(userId);
    expect(programs.programs[0]?.state.status.kind).toBe('completed');
    // The coupon and the summary are core: sent by email, whatever the hour.
    expect(programs.messages.map((recorded) => [recorded.templateId, recorded.channel, recorded.outcome])).toEqual([
      ['coupon-issued', 'email', 'sent'],
      ['checkin-summary', 'email', 'sent'],
    ]);
    expect(await mailSubjectsOf(runtime, userId)).toEqual(['小明，你的20%优惠券已到账', '小明，已签到21天，获得360积分']);
    expect(afterTheEnd).toMatchObject({ status: 409, body: { kind: 'program-ended' } });
  }, 120_000);

  it('reminds on the missed day 8, then ends the program with a summary and no coupon', async () => {
    // Prepare
    const { userId, start } = await enrolledUser();
    for (let day = 0; day < 7; day += 1) {
      moveTo(runtime, addLocalDays(start, day), '09:00', SHANGHAI);
      expect((await checkIn(userId)).status).toBe(201);
    }

    // Act
    moveTo(runtime, addLocalDays(start, 7), '20:05', SHANGHAI);
    // The scheduled sweep also runs on the virtual clock; calling it here makes the test wait for it.
    await sweepCheckinPrograms(services, { limitPerShard: 1000 });
    moveTo(runtime, addLocalDays(start, 8), '09:00', SHANGHAI);
    const checkInOnDay9 = await checkIn(userId);
    moveTo(runtime, addLocalDays(start, 8), '20:05', SHANGHAI);
    await sweepCheckinPrograms(services, { limitPerShard: 1000 });

    // Assess
    expect(checkInOnDay9).toMatchObject({
      status: 409,
      body: { kind: 'program-ended', status: { kind: 'ended-impossible', endedOn: addLocalDays(start, 8) } },
    });
    const points = await pointsOf(userId);
    expect(points.points).toBe(7 * 10 + 50);
    expect(points.coupons).toEqual([]);
    const programs = await programsOf(userId);
    expect(programs.programs[0]?.state.status.kind).toBe('ended-impossible');
    // 20:05 local is before the quiet hours (21:00): the non-core reminder goes out, once.
    expect(programs.messages.map((recorded) => [recorded.templateId, recorded.outcome])).toEqual([
      ['checkin-reminder', 'sent'],
      ['checkin-summary', 'sent'],
    ]);
    const log = (await call(runtime, 'GET', `/v1/users/${userId}/messages`)).body.messages as Array<{ idempotencyKey: string; outcome: { kind: string } }>;
    expect(log.filter((entry) => entry.outcome.kind === 'sent').map((entry) => entry.idempotencyKey)).toEqual([
      expect.stringMatching(/^checkin-summary#/),
      expect.stringMatching(new RegExp(`^checkin-reminder#.*#${addLocalDays(start, 7)}$`)),
    ]);
    expect(await mailSubjectsOf(runtime, userId)).toEqual(['小明，别让7天的连续签到中断', '小明，已签到7天，获得120积分']);
  }, 120_000);

  it('counts 23:30 Asia/Shanghai for that local day and 00:30 for the next, though both are the same UTC day', async () => {
    // Prepare
    const { userId, start } = await enrolledUser();

    // Act
    moveTo(runtime, start, '23:30', SHANGHAI);
    const late = await checkIn(userId);
    moveTo(runtime, addLocalDays(start, 1), '00:30', SHANGHAI);
    const afterMidnight = await checkIn(userId);
    const again = await checkIn(userId);

    // Assess
    expect(late.body).toMatchObject({ kind: 'checked-in', day: start, dayNumber: 1 });
    expect(afterMidnight.body).toMatchObject({ kind: 'checked-in', day: addLocalDays(start, 1), dayNumber: 2, streak: 2 });
    expect(again).toMatchObject({ status: 200, body: { kind: 'already-checked-in-today' } });
    expect((await pointsOf(userId)).points).toBe(20);
  }, 60_000);

  it('grants 10 points once for 100 concurrent identical check-ins', async () => {
    // Prepare
    const { userId, start } = await enrolledUser();
    moveTo(runtime, start, '12:00', SHANGHAI);

    // Act
    const answers = await Promise.all(Array.from({ length: 100 }, () => checkIn(userId)));

    // Assess
    expect(answers.filter((answer) => answer.status === 201)).toHaveLength(1);
    expect(answers.filter((answer) => answer.status === 200)).toHaveLength(99);
    const points = await pointsOf(userId);
    expect(points.points).toBe(10);
    expect(points.history).toHaveLength(1);
  }, 120_000);

  it('refuses a check-in from a user who is not enrolled, and a bad enrolment names the field', async () => {
    // Prepare
    const userId = freshUser();

    // Act
    const notEnrolled = await checkIn(userId);
    const badZone = await call(runtime, 'POST', '/v1/programs/checkin/enrollments', { body: { userId, timeZone: 'Mars/Olympus' }, auth: 'marketer' });

    // Assess
    expect(notEnrolled.status).toBe(404);
    expect(badZone).toMatchObject({ status: 400, body: { problems: [expect.objectContaining({ path: 'timeZone' })] } });
    expect((await programsOf(userId)).programs).toEqual([]);
  }, 60_000);
});
