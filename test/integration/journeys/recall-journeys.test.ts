import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { DynamoEnrollmentStore } from '../../../shared/adapters/journeys/enrollment-store';
import { isInHoldout, journeyExecutionName } from '../../../shared/domain/journeys';
import { call } from '../../support/test-runtime';

import {
  DAY,
  runtime,
  documents,
  usersTable,
  operationsTable,
  useRecallRuntime,
  seedScoredUsers,
  marketer,
  advanceDays,
  journeyItems,
  messagesOf,
  sendsOf,
  mailTo,
  executionsOf,
  memberItem,
  failureRecordOf,
  comeBack,
  previewByCount,
} from './recall-fixtures';

useRecallRuntime();

describe('an R3 recall journey on the local runtime', () => {
  it('sends step by step, lets returning users exit, never contacts the holdout, and reports what happened', async () => {
    // Prepare
    const journeyId = 'it-r3-main';
    const userIds = await seedScoredUsers('r3main', 60, 101);
    const launchBody = { id: journeyId, defaultTier: 'R3', audience: { tiers: ['R3'], clv: { min: 101, max: 101 } } };
    const holdout = userIds.filter((userId) => isInHoldout(journeyId, userId, 0.1));
    const treated = userIds.filter((userId) => !holdout.includes(userId));
    const returning = treated.slice(0, 8);
    const returningHoldout = holdout.slice(0, 1);

    // Act: preview, launch, first send at once; day 1 some come back; steps on day 3 and day 10
    const preview = await previewByCount(launchBody);
    const launched = await call(runtime, 'POST', '/v1/journeys', { ...marketer, body: launchBody });
    await runtime.settle();
    const { progress: launchedProgress, status: launchedStatus } = (await call(runtime, 'GET', `/v1/journeys/${journeyId}`, marketer)).body;
    const afterLaunch = await Promise.all(treated.map((userId) => sendsOf(userId, journeyId)));
    await advanceDays(1);
    for (const userId of [...returning, ...returningHoldout]) await comeBack(userId);
    await runtime.settle();
    await advanceDays(12);
    const relaunched = await call(runtime, 'POST', '/v1/journeys', { ...marketer, body: launchBody });
    await runtime.settle();
    const executions = await executionsOf(journeyId);
    const report = await call(runtime, 'GET', `/v1/journeys/${journeyId}/report`, marketer);

    // Assess
    expect(preview.asked.body).toMatchObject({ reason: 'no-summary', status: 'counting' });
    expect(preview.counted.preview).toMatchObject({
      matched: 60,
      reachable: 60,
      holdout: holdout.length,
      treatment: treated.length,
      transitionsPerTreatedUser: 10,
    });
    expect(launched.status).toBe(202);
    expect(launched.body).toMatchObject({ journeyId, status: 'launching', relaunch: false });
    expect(launchedProgress).toMatchObject({
      matched: 60,
      enrolled: 60,
      holdout: holdout.length,
      queued: treated.length,
      started: treated.length,
      selectionDone: true,
    });
    expect(launchedStatus).toBe('running');
    expect(afterLaunch).toEqual(treated.map(() => ['email:sent']));

    expect(relaunched.status).toBe(200);
    expect(relaunched.body).toMatchObject({ relaunch: true, queued: treated.length });
    expect(executions).toHaveLength(treated.length);
    const unsuccessful = await Promise.all(
      executions
        .filter((record) => record.status !== 'SUCCEEDED')
        .map(async (record) => ({
          name: record.name,
          status: record.status,
          error: record.error,
          failure: await failureRecordOf(
            journeyId,
            treated.find((userId) => journeyExecutionName(journeyId, userId) === record.name),
          ),
        })),
    );
    expect(unsuccessful).toEqual([]);
    // The designed path's transitions; a retry after a transient failure (a dropped connection on
    // this busy machine) is billed on top and counted apart.
    const transitions = new Map(executions.map((record) => [record.name, record.stateTransitions - record.retries]));
    for (const userId of returning) expect(transitions.get(journeyExecutionName(journeyId, userId))).toBe(7);
    for (const userId of treated.filter((id) => !returning.includes(id))) expect(transitions.get(journeyExecutionName(journeyId, userId))).toBe(10);

    // R3: email; then email + push; then push. The default budget allows one marketing touch a
    // rolling day, and the second step's email and push are one touch: both are sent. Those who came
    // back got only the first email. The relaunch sent nothing again.
    for (const userId of returning) expect(await sendsOf(userId, journeyId)).toEqual(['email:sent']);
    for (const userId of treated.filter((id) => !returning.includes(id))) {
      const messages = await messagesOf(userId, journeyId);
      expect(messages.map((entry) => `${entry.channel}:${entry.outcome.kind}`)).toEqual(['email:sent', 'email:sent', 'push:sent', 'push:sent']);
      // The second email and its push went out in the same step.
      expect(messages.map((entry) => (entry.source.kind === 'journey' ? entry.source.step : ''))).toEqual(['0', '1', '1', '2']);
    }
    const [someone] = treated.filter((id) => !returning.includes(id));
    const mail = await mailTo(`${someone}@example.test`);
    expect(mail.map((email) => email.subject)).toEqual(['Ada, here is what is new this week', 'Ada, a 10% coupon to welcome you back']);
    expect(mail[1]!.body.text).toContain('IT-R3-MAIN-2');
    // The holdout: enrolled and recorded, never a message, not even a skipped one.
    for (const userId of holdout) {
      const items = await journeyItems(userId, journeyId);
      expect(items.map((item) => String(item.sk))).toEqual([`JOURNEY#${journeyId}#ENROLLMENT`]);
      expect((await call(runtime, 'GET', `/v1/users/${userId}/messages`)).body.messages).toEqual([]);
      expect(await mailTo(`${userId}@example.test`)).toEqual([]);
    }
    expect(executions.some((record) => holdout.some((userId) => record.name === journeyExecutionName(journeyId, userId)))).toBe(false);

    expect(report.status).toBe(200);
    expect(report.body.exits).toEqual({ 'came-back': returning.length });
    expect(report.body.overall).toMatchObject({
      enrolled: 60,
      treatment: { enrolled: treated.length, contacted: treated.length, reactivatedWithin7d: returning.length, reactivatedWithin30d: returning.length },
      holdout: { enrolled: holdout.length, reactivatedWithin7d: returningHoldout.length },
    });
    const lift = (report.body.overall as { liftWithin7d: { absolute: number } }).liftWithin7d.absolute;
    expect(lift).toBeCloseTo(returning.length / treated.length - returningHoldout.length / holdout.length, 10);
    console.info(
      `transitions per enrolled user: ${[...new Set(transitions.values())].sort().join(', ')} (came back after step 1: 7; whole R3 journey, 3 sends: 10)`,
    );
  }, 240_000);

  it('sends nothing while paused, resumes, and stop ends every open execution', async () => {
    // Prepare
    const journeyId = 'it-r3-pause';
    const userIds = await seedScoredUsers('r3pause', 12, 102);
    const treated = userIds.filter((userId) => !isInHoldout(journeyId, userId, 0.1));
    await call(runtime, 'POST', '/v1/journeys', { ...marketer, body: { id: journeyId, defaultTier: 'R3', audience: { clv: { min: 102, max: 102 } } } });
    await runtime.settle();

    // Act
    const paused = await call(runtime, 'POST', `/v1/journeys/${journeyId}/pause`, marketer);
    await advanceDays(5);
    const whilePaused = await Promise.all(treated.map((userId) => sendsOf(userId, journeyId)));
    const resumed = await call(runtime, 'POST', `/v1/journeys/${journeyId}/resume`, marketer);
    await advanceDays(1);
    const afterResume = await Promise.all(treated.map((userId) => sendsOf(userId, journeyId)));
    const stopped = await call(runtime, 'POST', `/v1/journeys/${journeyId}/stop`, marketer);
    await advanceDays(10);
    const executions = await executionsOf(journeyId);
    const status = await call(runtime, 'GET', `/v1/journeys/${journeyId}`, marketer);

    // Assess
    expect(paused.body).toMatchObject({ status: 'paused' });
    expect(whilePaused).toEqual(treated.map(() => ['email:sent']));
    expect(resumed.body).toMatchObject({ status: 'running' });
    expect(afterResume).toEqual(treated.map(() => ['email:sent', 'email:sent', 'push:sent']));
    expect(stopped.body).toMatchObject({ status: 'stopped', executionsStopped: treated.length });
    expect(executions.map((record) => record.status)).toEqual(treated.map(() => 'ABORTED'));
    expect(await Promise.all(treated.map((userId) => sendsOf(userId, journeyId)))).toEqual(afterResume);
    expect(status.body).toMatchObject({ status: 'stopped' });
  }, 180_000);

  it('enrolls a user automatically on a TierChanged event into the automatic journey of the new tier, once', async () => {
    // Prepare
    const journeyId = 'it-r2-auto';
    const userId = ['auto-a', 'auto-b', 'auto-c', 'auto-d'].find((id) => !isInHoldout(journeyId, id, 0.1))!;
    await seedScoredUsers(userId, 1, 103, 'R2');
    await call(runtime, 'POST', '/v1/journeys', {
      ...marketer,
      body: { id: journeyId, defaultTier: 'R2', automatic: true, audience: { clv: { min: 999_999 } } },
    });
    const bus = new EventBridgeClient({});
    const event = {
      Source: 'rekindle.scoring',
      DetailType: 'TierChanged',
      Detail: JSON.stringify({ userId: `${userId}-0000`, from: 'R1', to: 'R2', date: '2026-01-01' }),
    };

    // Act
    await bus.send(new PutEventsCommand({ Entries: [event] }));
    await runtime.settle();
    await bus.send(new PutEventsCommand({ Entries: [event] }));
    await runtime.settle();

    // Assess
    const executions = await executionsOf(journeyId);
    expect(executions.map((record) => record.name)).toEqual([journeyExecutionName(journeyId, `${userId}-0000`)]);
    expect(await sendsOf(`${userId}-0000`, journeyId)).toEqual(['email:sent']);
    const [report] = await mailTo(`${userId}-0000@example.test`);
    expect(report?.subject).toBe('Ada, your activity report');
    expect(report?.body.text).toContain('you have not been by in the last 30 days');
  });

  it('enrolls a batch of TierChanged events once each: a duplicate in the batch and a later redelivery start nothing twice, the holdout is recorded and not started', async () => {
    // Prepare
    const journeyId = 'it-r4-auto-batch';
    const userIds = await seedScoredUsers('autobatch', 30, 107, 'R3');
    const treated = userIds.filter((userId) => !isInHoldout(journeyId, userId, 0.1));
    const holdout = userIds.filter((userId) => isInHoldout(journeyId, userId, 0.1));
    const definition = {
      id: journeyId,
      name: 'auto batch',
      tier: 'R4',
      automatic: true,
      steps: [
        { kind: 'wait', days: 2 },
        { kind: 'send', channels: ['email'], templateId: 'recall-r4', offer: { kind: 'coupon', value: 20, unit: 'percent' } },
      ],
      maxDurationDays: 5,
    };
    await call(runtime, 'POST', '/v1/journeys', { ...marketer, body: { definition, audience: { clv: { min: 999_999 } } } });
    await runtime.settle();
    const bus = new EventBridgeClient({});
    const eventOf = (userId: string) => ({
      Source: 'rekindle.scoring',
      DetailType: 'TierChanged',
      Detail: JSON.stringify({ userId, from: 'R3', to: 'R4', date: '2026-01-01' }),
      Time: new Date(runtime.clock.now()),
    });
    const firstTime = userIds.map(eventOf);

    // Act: every user in PutEvents calls of 10 (the scoring publisher's), the first user twice; then all again
    for (let i = 0; i < firstTime.length; i += 10) await bus.send(new PutEventsCommand({ Entries: firstTime.slice(i, i + 10) }));
    await bus.send(new PutEventsCommand({ Entries: [firstTime[0]!] }));
    await runtime.settle();
    for (let i = 0; i < firstTime.length; i += 10) await bus.send(new PutEventsCommand({ Entries: firstTime.slice(i, i + 10) }));
    await runtime.settle();

    // Assess
    expect(holdout.length).toBeGreaterThan(0);
    const executions = await executionsOf(journeyId);
    expect(executions.map((record) => record.name).sort()).toEqual(treated.map((userId) => journeyExecutionName(journeyId, userId)).sort());
    const members = await Promise.all(userIds.map((userId) => memberItem(journeyId, userId)));
    expect(members.map((member) => member?.holdout)).toEqual(userIds.map((userId) => holdout.includes(userId)));

    // Afterwards: later tests hand users over to R4 and expect no standing R4 journey to run.
    expect((await call(runtime, 'POST', `/v1/journeys/${journeyId}/stop`, marketer)).status).toBe(200);
    await runtime.settle();
  }, 120_000);

  it('defers a step that falls in the user’s quiet hours and sends it when they end', async () => {
    // Prepare: noon UTC is early morning in Los Angeles, inside 21:00-09:00
    const journeyId = 'it-quiet';
    const userId = ['quiet-a', 'quiet-b', 'quiet-c', 'quiet-d'].find((id) => !isInHoldout(journeyId, id, 0.1))!;
    await seedScoredUsers(userId, 1, 105, 'R1', 'America/Los_Angeles');
    const definition = {
      id: journeyId,
      name: 'quiet',
      tier: 'R1',
      steps: [{ kind: 'send', channels: ['email'], templateId: 'recall-r1' }],
      maxDurationDays: 2,
    };

    // Act
    await call(runtime, 'POST', '/v1/journeys', { ...marketer, body: { definition, audience: { clv: { min: 105, max: 105 } } } });
    await runtime.settle();
    const atNight = await messagesOf(`${userId}-0000`, journeyId);
    runtime.clock.advance(6 * 3_600_000);
    await runtime.settle();
    const inTheMorning = await sendsOf(`${userId}-0000`, journeyId);
    const [execution] = await executionsOf(journeyId);

    // Assess
    expect(atNight.map((entry) => entry.outcome)).toEqual([expect.objectContaining({ kind: 'deferred', reason: 'quiet-hours' })]);
    expect(inTheMorning).toEqual(['email:deferred', 'email:sent']);
    expect(await mailTo(`${userId}-0000@example.test`)).toHaveLength(1);
    expect(execution?.status).toBe('SUCCEEDED');
  });

  it('sunsets an R5 user who did not come back: a later marketing send is skipped with reason sunset', async () => {
    // Prepare
    const journeyId = 'it-r5-sunset';
    const userId = ['sunset-a', 'sunset-b', 'sunset-c', 'sunset-d'].find((id) => !isInHoldout(journeyId, `${id}-0000`, 0.1))!;
    const user = `${userId}-0000`;
    await seedScoredUsers(userId, 1, 106, 'R5');
    await call(runtime, 'POST', '/v1/journeys', { ...marketer, body: { id: journeyId, defaultTier: 'R5', audience: { clv: { min: 106, max: 106 } } } });
    await runtime.settle();

    // Act: the last send on day 7, the sunset at the maximum duration (30 days)
    await advanceDays(30);
    const [execution] = await executionsOf(journeyId);
    const later = await call(runtime, 'POST', '/v1/messages/test', { ...marketer, body: { userId: user, channel: 'email' } });
    const core = await call(runtime, 'POST', '/v1/messages/test', { ...marketer, body: { userId: user, channel: 'email', priority: 'core' } });
    const steps = (await journeyItems(user, journeyId)).filter((item) => String(item.sk).includes('#STEP#'));

    // Assess
    expect(execution?.status).toBe('SUCCEEDED');
    expect(await sendsOf(user, journeyId)).toEqual(['email:sent', 'email:sent', 'sms:skipped:no-contact-point']);
    expect(steps.at(-1)).toMatchObject({ kind: 'escalate', escalation: 'sunset', outcome: { kind: 'sunset', suppression: 'added' } });
    expect(later.body.outcome).toMatchObject({ kind: 'skipped', reason: 'sunset' });
    expect(core.body.outcome).toMatchObject({ kind: 'sent' });
  }, 240_000);

  it('hands an unanswered user over to the running standing journey of the later tier, once; records when none runs', async () => {
    // Prepare: an R4 journey handing over to R5, where a standing R5 journey runs, and an R3 one
    // handing over to R4, where none does.
    const userIdOf = (prefix: string, ...journeyIds: string[]) =>
      ['a', 'b', 'c', 'd', 'e', 'f']
        .map((suffix) => `${prefix}-${suffix}`)
        .find((id) => journeyIds.every((journeyId) => !isInHoldout(journeyId, `${id}-0000`, 0.1)))!;
    const standingId = 'it-r5-standing';
    const handingId = 'it-r4-handover';
    const orphanId = 'it-r3-handover';
    const handed = `${userIdOf('handed', handingId, standingId)}-0000`;
    const orphan = `${userIdOf('orphan', orphanId)}-0000`;
    await seedScoredUsers(handed.slice(0, -5), 1, 107, 'R4');
    await seedScoredUsers(orphan.slice(0, -5), 1, 108, 'R3');
    const oneEmail = (tier: string, toTier: string, id: string) => ({
      id,
      name: id,
      tier,
      steps: [{ kind: 'send', channels: ['email'], templateId: 'recall-r1' }],
      escalation: { kind: 'hand-over', toTier },
      maxDurationDays: 2,
    });
    const standing = {
      id: standingId,
      name: 'standing R5',
      tier: 'R5',
      automatic: true,
      steps: [{ kind: 'send', channels: ['email'], templateId: 'recall-r5', offer: { kind: 'coupon', value: 30, unit: 'percent' } }],
      maxDurationDays: 10,
    };
    await call(runtime, 'POST', '/v1/journeys', { ...marketer, body: { definition: standing, audience: { clv: { min: 999_999 } } } });
    await call(runtime, 'POST', '/v1/journeys', {
      ...marketer,
      body: { definition: oneEmail('R4', 'R5', handingId), audience: { clv: { min: 107, max: 107 } } },
    });
    await call(runtime, 'POST', '/v1/journeys', {
      ...marketer,
      body: { definition: oneEmail('R3', 'R4', orphanId), audience: { clv: { min: 108, max: 108 } } },
    });
    await runtime.settle();

    // Act: the escalations run on day 2; then nightly scoring moves the handed-over user to R5 too
    await advanceDays(2);
    await runtime.settle();
    const bus = new EventBridgeClient({});
    await bus.send(
      new PutEventsCommand({
        Entries: [
          { Source: 'rekindle.scoring', DetailType: 'TierChanged', Detail: JSON.stringify({ userId: handed, from: 'R4', to: 'R5', date: '2026-01-01' }) },
        ],
      }),
    );
    await runtime.settle();
    const escalationOf = async (userId: string, journeyId: string) => (await journeyItems(userId, journeyId)).find((item) => item.kind === 'escalate');

    // Assess
    expect(await escalationOf(handed, handingId)).toMatchObject({
      escalation: 'hand-over',
      outcome: { kind: 'handed-over', toTier: 'R5', journeyId: standingId, holdout: false },
    });
    expect(await escalationOf(orphan, orphanId)).toMatchObject({
      escalation: 'hand-over',
      outcome: { kind: 'nothing-handed-over', toTier: 'R4', reason: 'no-running-journey' },
    });
    expect((await executionsOf(standingId)).map((record) => record.name)).toEqual([journeyExecutionName(standingId, handed)]);
    expect((await journeyItems(handed, standingId)).map((item) => String(item.sk))).toContain(`JOURNEY#${standingId}#ENROLLMENT`);
    expect(await sendsOf(handed, standingId)).toEqual(['email:sent']);
    expect((await executionsOf(handingId)).map((record) => record.status)).toEqual(['SUCCEEDED']);
  }, 180_000);

  // Runs after the hand-over test above: its orphan must find no standing R4 journey running.
  it('keeps the first enrollment of a member whom TierChanged and a hand-over enroll again later: one start, the report measures from it', async () => {
    // Prepare: a standing R4 journey launched on the user while still R3 (member tier R3), and an
    // R3 journey handing the user over to R4 at its end. Every StartExecution is recorded (and
    // passed on to the engine) to see what the launch queue carried.
    const standingId = 'it-r4-standing-kept';
    const handingId = 'it-r3-to-kept';
    const userId = `${['kept-a', 'kept-b', 'kept-c', 'kept-d', 'kept-e', 'kept-f'].find((id) => [standingId, handingId].every((journeyId) => !isInHoldout(journeyId, `${id}-0000`, 0.1)))!}-0000`;
    await seedScoredUsers(userId.slice(0, -5), 1, 109, 'R3');
    const audience = { clv: { min: 109, max: 109 } };
    const standing = {
      id: standingId,
      name: 'standing R4',
      tier: 'R4',
      automatic: true,
      steps: [{ kind: 'send', channels: ['email'], templateId: 'recall-r1' }],
      maxDurationDays: 10,
    };
    const handing = {
      id: handingId,
      name: 'R3 handing over',
      tier: 'R3',
      steps: [{ kind: 'send', channels: ['email'], templateId: 'recall-r1' }],
      escalation: { kind: 'hand-over', toTier: 'R4' },
      maxDurationDays: 2,
    };
    const engine = runtime.stepFunctions!;
    const realStart = engine.startExecution.bind(engine);
    const starts: Array<{ name: string | undefined; enrolledAt: unknown }> = [];
    engine.startExecution = async (request) => {
      starts.push({ name: request.name, enrolledAt: (JSON.parse(request.input ?? '{}') as { enrolledAt?: unknown }).enrolledAt });
      return realStart(request);
    };

    // Act: launch both on day 0; TierChanged R3 → R4 on day 1; the hand-over on day 2; the user
    // comes back on day 8 (within 7 days of day 2, not of day 0)
    let launched: Awaited<ReturnType<typeof call>>;
    let report: Awaited<ReturnType<typeof call>>;
    try {
      launched = await call(runtime, 'POST', '/v1/journeys', { ...marketer, body: { definition: standing, audience } });
      await call(runtime, 'POST', '/v1/journeys', { ...marketer, body: { definition: handing, audience } });
      await runtime.settle();
      await advanceDays(1);
      await new EventBridgeClient({}).send(
        new PutEventsCommand({
          Entries: [{ Source: 'rekindle.scoring', DetailType: 'TierChanged', Detail: JSON.stringify({ userId, from: 'R3', to: 'R4', date: '2026-01-02' }) }],
        }),
      );
      await runtime.settle();
      await advanceDays(7);
      await comeBack(userId);
      await runtime.settle();
      report = await call(runtime, 'GET', `/v1/journeys/${standingId}/report`, marketer);
    } finally {
      engine.startExecution = realStart;
    }
    const launchedAt = String((await call(runtime, 'GET', `/v1/journeys/${standingId}`, marketer)).body.launchedAt);
    const escalation = (await journeyItems(userId, handingId)).find((item) => item.kind === 'escalate');

    // Assess: soft, so a failure shows every way the first enrollment was lost
    expect.soft(await memberItem(standingId, userId)).toMatchObject({ tier: 'R3', holdout: false, enrolledAt: launchedAt });
    expect
      .soft((await journeyItems(userId, standingId)).find((item) => String(item.sk).endsWith('#ENROLLMENT')))
      .toMatchObject({ tier: 'R3', enrolledAt: launchedAt });
    expect
      .soft(starts.filter((start) => start.name === journeyExecutionName(standingId, userId)))
      .toEqual([{ name: journeyExecutionName(standingId, userId), enrolledAt: launchedAt }]);
    expect.soft((await executionsOf(standingId)).map((record) => record.name)).toEqual([journeyExecutionName(standingId, userId)]);
    expect.soft(report.status).toBe(200);
    expect.soft(report.body.overall).toMatchObject({ enrolled: 1, treatment: { enrolled: 1, reactivatedWithin7d: 0, reactivatedWithin30d: 1 } });
    expect.soft(launched.status).toBe(202);
    expect
      .soft((await call(runtime, 'GET', `/v1/journeys/${standingId}`, marketer)).body.progress)
      .toMatchObject({ enrolled: 1, alreadyEnrolled: 0, queued: 1 });
    expect.soft(escalation).toMatchObject({
      escalation: 'hand-over',
      outcome: { kind: 'handed-over', toTier: 'R4', journeyId: standingId, holdout: false, alreadyEnrolled: true, enrolledAt: launchedAt },
    });
  }, 240_000);

  it('enrolls a user once when enrollments of the same journey race, and keeps the winner’s time and tier', async () => {
    // Prepare: eight enrollments of one user at different times and tiers, all at once
    const journeyId = 'it-enroll-race';
    const userId = 'race-0000';
    const store = new DynamoEnrollmentStore(documents, { users: usersTable, operations: operationsTable });
    const base = Date.parse('2026-02-01T12:00:00.000Z');
    const attempts = Array.from({ length: 8 }, (_, i) => ({
      userId,
      tier: i % 2 === 0 ? ('R3' as const) : ('R4' as const),
      holdout: false,
      enrolledAt: new Date(base + i * 3_600_000).toISOString(),
    }));
    const executionNameOf = (id: string) => journeyExecutionName(journeyId, id);

    // Act
    const raced = await Promise.all(attempts.map((member) => store.enrollOnce(journeyId, [member], executionNameOf)));
    const later = await store.enrollOnce(
      journeyId,
      [{ userId, tier: 'R5', holdout: false, enrolledAt: new Date(base + 30 * DAY).toISOString() }],
      executionNameOf,
    );

    // Assess
    const outcomes = raced.map(([outcome]) => outcome!);
    const winners = outcomes.filter((outcome) => outcome.kind === 'enrolled');
    expect(winners).toHaveLength(1);
    const first = winners[0]!.member;
    expect(outcomes.filter((outcome) => outcome.kind === 'already-enrolled').map((outcome) => outcome.member)).toEqual(Array.from({ length: 7 }, () => first));
    expect(later).toEqual([{ kind: 'already-enrolled', member: first }]);
    expect(await memberItem(journeyId, userId)).toMatchObject(first);
    expect(await journeyItems(userId, journeyId)).toEqual([expect.objectContaining({ ...first, executionName: executionNameOf(userId) })]);
  });

  it('enrolls a page in group transactions, answering the members who were there already with their first enrollment', async () => {
    // Prepare: 5 of 30 users enrolled earlier, at another time
    const journeyId = 'it-enroll-group';
    const store = new DynamoEnrollmentStore(documents, { users: usersTable, operations: operationsTable });
    const executionNameOf = (id: string) => journeyExecutionName(journeyId, id);
    const member = (i: number, enrolledAt: string) => ({ userId: `group-${String(i).padStart(2, '0')}`, tier: 'R3' as const, holdout: false, enrolledAt });
    const earlier = [3, 9, 14, 22, 29].map((i) => member(i, '2026-02-01T12:00:00.000Z'));
    await store.enrollOnce(journeyId, earlier, executionNameOf);

    // Act
    const outcomes = await store.enrollOnce(
      journeyId,
      Array.from({ length: 30 }, (_, i) => member(i, '2026-02-02T12:00:00.000Z')),
      executionNameOf,
    );

    // Assess
    expect(outcomes.filter((outcome) => outcome.kind === 'already-enrolled').map((outcome) => outcome.member)).toEqual(earlier);
    expect(outcomes.filter((outcome) => outcome.kind === 'enrolled')).toHaveLength(25);
    expect(await memberItem(journeyId, 'group-14')).toMatchObject(earlier[2]!);
    expect(await memberItem(journeyId, 'group-15')).toMatchObject({ enrolledAt: '2026-02-02T12:00:00.000Z' });
  });

  it('refuses at creation a send whose template needs a coupon the step does not offer, naming the step and the variables, and stores nothing', async () => {
    // Prepare
    const journeyId = 'it-template-needs-coupon';
    const definition = {
      id: journeyId,
      name: 'no coupon',
      tier: 'R4',
      steps: [{ kind: 'send', channels: ['email'], templateId: 'recall-r4' }],
      maxDurationDays: 5,
    };

    // Act
    const created = await call(runtime, 'POST', '/v1/journeys', { ...marketer, body: { definition, audience: { tiers: ['R4'] } } });
    const stored = await call(runtime, 'GET', `/v1/journeys/${journeyId}`, marketer);

    // Assess
    expect(created.status).toBe(400);
    expect(JSON.stringify(created.body)).toContain('definition.steps[0].templateId');
    expect(JSON.stringify(created.body)).toContain('recall-r4, which needs couponValue, couponCode, couponExpiresOn');
    expect(stored.status).toBe(404);
  });

  it('enrolls a launching journey’s page in batches as its sole enroller: members there are kept, a missing member item is written back, nobody twice', async () => {
    // Prepare: of 30 users, 5 enrolled earlier at another time, one cut off after its member item
    // (enrollment record missing), one whose step added an exit to its record since
    const journeyId = 'it-enroll-sole';
    const store = new DynamoEnrollmentStore(documents, { users: usersTable, operations: operationsTable });
    const executionNameOf = (id: string) => journeyExecutionName(journeyId, id);
    const launchedAt = '2026-02-02T12:00:00.000Z';
    const member = (i: number, enrolledAt = launchedAt) => ({ userId: `sole-${String(i).padStart(2, '0')}`, tier: 'R3' as const, holdout: false, enrolledAt });
    const earlier = [3, 9, 14, 22, 29].map((i) => member(i, '2026-02-01T12:00:00.000Z'));
    await store.enrollOnce(journeyId, earlier, executionNameOf);
    await store.enrollOnce(journeyId, [member(7), member(8)], executionNameOf);
    await documents.send(new DeleteCommand({ TableName: usersTable, Key: { pk: 'USER#sole-07', sk: `JOURNEY#${journeyId}#ENROLLMENT` } }));
    await store.recordLeft(journeyId, 'sole-08', 1, new Date('2026-02-03T12:00:00.000Z'));
    const page = Array.from({ length: 30 }, (_, i) => member(i));

    // Act: the page, then the same page again (a task retried from its checkpoint)
    const outcomes = await store.enrollOnce(journeyId, page, executionNameOf, { soleEnroller: true });
    const again = await store.enrollOnce(journeyId, page, executionNameOf, { soleEnroller: true });

    // Assess
    expect(outcomes.filter((outcome) => outcome.kind === 'already-enrolled').map((outcome) => outcome.member)).toEqual([
      earlier[0],
      member(8),
      earlier[1],
      earlier[2],
      earlier[3],
      earlier[4],
    ]);
    expect(outcomes.filter((outcome) => outcome.kind === 'enrolled')).toHaveLength(24);
    expect(again.every((outcome) => outcome.kind === 'already-enrolled')).toBe(true);
    expect(await memberItem(journeyId, 'sole-14')).toMatchObject(earlier[2]!);
    expect(await memberItem(journeyId, 'sole-07')).toMatchObject(member(7));
    expect(await journeyItems('sole-07', journeyId)).toEqual([expect.objectContaining({ ...member(7), executionName: executionNameOf('sole-07') })]);
    expect(await journeyItems('sole-08', journeyId)).toEqual([expect.objectContaining({ ...member(8), lastExitAt: '2026-02-03T12:00:00.000Z' })]);
    expect(await memberItem(journeyId, 'sole-15')).toMatchObject(member(15));
  });
});
