import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../../infra/local/local-runtime';
import { dynamoDocumentClient } from '../../../shared/adapters/dynamodb/client';
import { loyaltyKeys } from '../../../shared/adapters/loyalty/loyalty-keys';
import { MS_PER_DAY } from '../../../shared/domain/common';
import { addLocalDays, type LocalDay } from '../../../shared/domain/loyalty';
import { call, startTestRuntime, tableNamed } from '../../support/test-runtime';
import { createProfile, dayAhead, freshUser, moveTo } from './loyalty-fixtures';

const SHANGHAI = 'Asia/Shanghai';
let runtime: LocalRuntime;

beforeAll(async () => {
  runtime = await startTestRuntime();
}, 240_000);
afterAll(async () => {
  await runtime?.stop();
});

const usersTable = () => tableNamed(runtime, 'UsersTable');
const pointsOf = async (userId: string) =>
  (await call(runtime, 'GET', `/v1/users/${userId}/points`)).body as { points: number; growth: number; level: string; history: Array<{ reason: string }> };
const programsOf = async (userId: string) =>
  (await call(runtime, 'GET', `/v1/users/${userId}/programs`)).body as {
    programs: Array<{ state: { programId: string; status: { kind: string } }; summary: { pointsEarned: number; checkIns: number } }>;
    messages: Array<{ templateId: string; outcome: string; programId: string }>;
  };

/** Posts one behaviour event now (by the virtual clock) and waits for the stream consumers. */
async function sendEvent(event: Record<string, unknown>): Promise<void> {
  const answer = await call(runtime, 'POST', '/v1/events', { body: { events: [{ timestamp: runtime.clock.now().toISOString(), ...event }] } });
  expect(answer.status).toBeLessThan(300);
  await runtime.settle();
}

describe('programs as data', () => {
  it('runs the 7-day onboarding beside the 21-day check-in: completed by feature_use events on the clock, enrolled once', async () => {
    // Prepare: one user in both programs; the onboarding enrolment is sent five times at once.
    const start: LocalDay = dayAhead(runtime, 1, SHANGHAI);
    moveTo(runtime, start, '08:00', SHANGHAI);
    const userId = freshUser('onb');
    await createProfile(runtime, userId, SHANGHAI);
    const checkinEnrolment = await call(runtime, 'POST', '/v1/programs/checkin-21/enrollments', { body: { userId }, auth: 'marketer' });
    const onboardingEnrolments = await Promise.all(
      Array.from({ length: 5 }, () => call(runtime, 'POST', '/v1/programs/onboarding-7/enrollments', { body: { userId }, auth: 'marketer' })),
    );

    // Act: five days of the task (a playlist), one use of another feature, a check-in every day.
    for (let day = 0; day < 5; day += 1) {
      moveTo(runtime, addLocalDays(start, day), '10:00', SHANGHAI);
      await sendEvent({ userId, type: 'feature_use', eventId: `${userId}-upload-${day}`, feature: 'upload' });
      await sendEvent({ userId, type: 'feature_use', eventId: `${userId}-playlist-${day}`, feature: 'playlist' });
      // The stream redelivers: nothing is counted twice.
      await sendEvent({ userId, type: 'feature_use', eventId: `${userId}-playlist-${day}-again`, feature: 'playlist' });
      expect((await call(runtime, 'POST', `/v1/users/${userId}/checkins`)).status).toBe(201);
    }
    const checkinForOnboarding = await call(runtime, 'POST', `/v1/users/${userId}/checkins`, { body: { programId: 'onboarding-7' } });
    const view = await programsOf(userId);
    const points = await pointsOf(userId);

    // Assess: enrolled once in each program, whatever the concurrency.
    expect(runtime.streamFailures).toEqual([]);
    expect(checkinEnrolment.status).toBe(201);
    expect(onboardingEnrolments.map((answer) => answer.status).sort()).toEqual([200, 200, 200, 200, 201]);
    // Onboarding: 5 × 20 + 30 on day 3 + 100 on completion; check-in: 5 × 10, still running.
    const byProgram = Object.fromEntries(view.programs.map((program) => [program.state.programId, program]));
    expect(byProgram['onboarding-7']).toMatchObject({ state: { status: { kind: 'completed' } }, summary: { checkIns: 5, pointsEarned: 230 } });
    expect(byProgram['checkin-21']).toMatchObject({ state: { status: { kind: 'active' } }, summary: { checkIns: 5, pointsEarned: 50 } });
    expect(points.points).toBe(230 + 50);
    expect(points.history.filter((entry) => entry.reason === 'program-completion')).toHaveLength(1);
    expect(view.messages.filter((message) => message.programId === 'onboarding-7').map((message) => message.templateId)).toEqual(['checkin-summary']);
    // The onboarding completes on events, not on check-ins: the request names the field.
    expect(checkinForOnboarding.status).toBe(400);
    expect(JSON.stringify(checkinForOnboarding.body)).toContain('programId');
    // Every points grant armed the user's expiry watch with the first grant's notice time (365 − 30 days on).
    const watch = await dynamoDocumentClient().send(
      new GetCommand({ TableName: usersTable(), Key: { pk: loyaltyKeys.userPk(userId), sk: loyaltyKeys.expiryWatchSk }, ConsistentRead: true }),
    );
    expect(watch.Item).toMatchObject({ grants: 5 + 5 + 1 + 1 });
    // The virtual clock runs on between moves: the first grant came within a minute of day 1's 10:00.
    const firstNoticeAt = new Date(`${start}T02:00:00.000Z`).getTime() + (365 - 30) * MS_PER_DAY;
    expect(new Date(String(watch.Item?.wakeAt)).getTime() - firstNoticeAt).toBeGreaterThanOrEqual(0);
    expect(new Date(String(watch.Item?.wakeAt)).getTime() - firstNoticeAt).toBeLessThan(60_000);
  }, 300_000);

  it('moves the level down once when a refund crosses a threshold, and shows the ladder’s level', async () => {
    // Prepare: 1,200 growth, VIP.
    const userId = freshUser('lvl');
    await createProfile(runtime, userId, SHANGHAI);
    await sendEvent({ userId, type: 'purchase', eventId: `${userId}-p1`, orderId: `${userId}-o1`, amount: 1200, currency: 'CNY' });
    const before = await pointsOf(userId);

    // Act: a refund across 1,000, the same refund again, a second one inside the level.
    const refund = { userId, type: 'refund', eventId: `${userId}-r1`, orderId: `${userId}-o1`, amount: 300 };
    await sendEvent(refund);
    await call(runtime, 'POST', '/v1/events', { body: { events: [{ ...refund, timestamp: runtime.clock.now().toISOString() }] } });
    await runtime.settle();
    await sendEvent({ userId, type: 'refund', eventId: `${userId}-r2`, orderId: `${userId}-o1`, amount: 100 });
    const after = await pointsOf(userId);

    // Assess
    expect(runtime.streamFailures).toEqual([]);
    expect(before).toMatchObject({ growth: 1200, level: 'vip' });
    expect(after).toMatchObject({ growth: 800, level: 'growth', levelDetail: { names: { 'zh-CN': '成长区' } } });
    const changes = await dynamoDocumentClient().send(
      new QueryCommand({
        TableName: usersTable(),
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': loyaltyKeys.userPk(userId), ':prefix': 'LEVELCHANGE#' },
        ConsistentRead: true,
      }),
    );
    const moves = (changes.Items ?? []).map((item) => item.change as { from: string; to: string; direction: string; growth: number });
    expect(moves.sort((a, b) => b.growth - a.growth).map((move) => `${move.from}→${move.to}:${move.direction}`)).toEqual([
      'newcomer→vip:up',
      'vip→growth:down',
    ]);
    expect((changes.Items ?? []).every((item) => item.published === true)).toBe(true);
  }, 120_000);
});
