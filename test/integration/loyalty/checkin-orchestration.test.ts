import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../../infra/local/local-runtime';
import { WAKE_SHARDS, shardOf } from '../../../shared/adapters/loyalty/loyalty-keys';
import { TransientDependencyError } from '../../../shared/adapters/transient-errors';
import { composeLoyalty } from '../../../shared/composition/loyalty';
import { addLocalDays, instantAtLocalTime, CheckinRunSummary, CheckinShardResult, type LocalDay } from '../../../shared/domain/loyalty';
import { call, startTestRuntime } from '../../support/test-runtime';
import { createProfile, dayAhead, freshUser, moveTo } from './loyalty-fixtures';

const SHANGHAI = 'Asia/Shanghai';
let runtime: LocalRuntime;

beforeAll(async () => {
  runtime = await startTestRuntime();
}, 240_000);
afterAll(async () => {
  await runtime?.stop();
});

const machineArn = () => runtime.stateMachineArn('LoyaltyCheckinProgramsStateMachine');
const checkIn = (userId: string) => call(runtime, 'POST', `/v1/users/${userId}/checkins`);
const pointsOf = async (userId: string) =>
  (await call(runtime, 'GET', `/v1/users/${userId}/points`)).body as { points: number; history: unknown[]; coupons: Array<{ discount: unknown }> };
const messagesOf = async (userId: string) =>
  (
    (await call(runtime, 'GET', `/v1/users/${userId}/programs`)).body as { messages: Array<{ templateId: string; outcome: string; reason?: string }> }
  ).messages.map((message) => `${message.templateId}:${message.outcome}${message.reason ? `:${message.reason}` : ''}`);

/** Users this file has enrolled: their programs stay on their wake shards. */
const enrolledSoFar: string[] = [];

async function enroll(userId: string): Promise<void> {
  enrolledSoFar.push(userId);
  await createProfile(runtime, userId, SHANGHAI);
  const enrolled = await call(runtime, 'POST', '/v1/programs/checkin/enrollments', { body: { userId }, auth: 'marketer' });
  expect(enrolled.status).toBe(201);
}

/**
 * Starts a run of the check-in state machine now (as its schedule does every 15 minutes), waits
 * for it and for whatever the clock move set off (the schedule's own run), and answers the run.
 */
async function runOnce(input: Record<string, unknown> = {}) {
  const { executionArn } = await runtime.stepFunctions!.startExecution({ stateMachineArn: machineArn(), input: JSON.stringify(input) });
  const execution = await runtime.stepFunctions!.waitForExecution(executionArn);
  await runtime.settle();
  if (execution.status !== 'SUCCEEDED') throw new Error(`check-in run ${execution.status}: ${execution.error} ${execution.cause}`);
  return { execution, summary: CheckinRunSummary.parse(JSON.parse(execution.output ?? 'null')) };
}

/**
 * Every run of the machine so far (the schedule's and the test's), each waited for: a run pausing
 * before a retry waits on the clock, which `settle` counts as settled.
 */
async function allRuns() {
  await runtime.settle();
  const runs = await runtime.stepFunctions!.listExecutions(machineArn());
  return Promise.all(runs.map((run) => (run.status === 'RUNNING' ? runtime.stepFunctions!.waitForExecution(run.executionArn) : run)));
}

const remindersIn = (runs: Array<{ output?: string }>) =>
  runs.reduce((sum, run) => sum + (run.output ? CheckinRunSummary.parse(JSON.parse(run.output)).totals.reminders : 0), 0);

describe('the check-in programs state machine on the local runtime', () => {
  it('runs a 21-day program on the clock: 360 points and the coupon for all 21 days; a reminder and the summary for a miss', async () => {
    // Prepare: two users enrolled the same morning; one checks in every day, one stops after day 7.
    const start: LocalDay = dayAhead(runtime, 1, SHANGHAI);
    moveTo(runtime, start, '08:00', SHANGHAI);
    const [faithful, lapsing] = [freshUser(), freshUser()] as [string, string];
    await enroll(faithful);
    await enroll(lapsing);
    const runsBefore = (await allRuns()).length;

    // Act: each day a morning check-in, then the evening run at 20:05 local.
    const summaries = [];
    for (let day = 0; day < 21; day += 1) {
      moveTo(runtime, addLocalDays(start, day), '09:00', SHANGHAI);
      expect((await checkIn(faithful)).status).toBe(201);
      if (day < 7) expect((await checkIn(lapsing)).status).toBe(201);
      moveTo(runtime, addLocalDays(start, day), '20:05', SHANGHAI);
      summaries.push((await runOnce()).summary);
    }
    const runs = (await allRuns()).slice(0, -runsBefore || undefined);

    // Assess: today's behaviour, through the state machine.
    const points = await pointsOf(faithful);
    expect(points.points).toBe(21 * 10 + 3 * 50);
    expect(points.coupons).toEqual([expect.objectContaining({ discount: { kind: 'percent-off', percent: 20 } })]);
    expect(await messagesOf(faithful)).toEqual(['coupon-issued:sent', 'checkin-summary:sent']);
    expect((await pointsOf(lapsing)).points).toBe(7 * 10 + 50);
    expect(await messagesOf(lapsing)).toEqual(['checkin-reminder:sent', 'checkin-summary:sent']);
    // The runs are executions of the template's machine, each with its summary as output.
    expect(runs.every((run) => run.status === 'SUCCEEDED')).toBe(true);
    expect(summaries.every((summary) => summary.shards === WAKE_SHARDS && summary.invocations >= WAKE_SHARDS)).toBe(true);
    // One reminder in all, whichever run (the test's or the schedule's) sent it.
    expect(remindersIn(runs)).toBe(1);
  }, 600_000);

  it('retries a shard task that failed once; the retry sends nothing twice and grants nothing', async () => {
    // Prepare: a user enrolled this morning, checked in yesterday… never: the reminder is due at 20:05.
    const day = dayAhead(runtime, 1, SHANGHAI);
    moveTo(runtime, day, '08:00', SHANGHAI);
    const userId = freshUser();
    await enroll(userId);
    const ledgerBefore = (await pointsOf(userId)).history;
    // The same ports the shard function composed (one module, one process): its first save of
    // this user's program fails as a dropped connection would, after the reminder went out.
    const ports = composeLoyalty();
    const save = ports.programs.save.bind(ports.programs);
    let failures = 0;
    ports.programs.save = async (state, version) => {
      if (state.userId === userId && failures === 0) {
        failures += 1;
        throw new TransientDependencyError('socket hang up (injected)');
      }
      return save(state, version);
    };
    const runsBefore = (await allRuns()).length;

    // Act
    try {
      moveTo(runtime, day, '20:05', SHANGHAI);
      await runOnce();
    } finally {
      ports.programs.save = save;
    }
    const runs = (await allRuns()).slice(0, -runsBefore || undefined);

    // Assess
    expect(failures).toBe(1);
    expect(runs.filter((run) => run.status !== 'SUCCEEDED').map((run) => `${run.name} ${run.status} ${run.error} ${run.cause}`)).toEqual([]);
    expect(runs.reduce((sum, run) => sum + run.retries, 0)).toBeGreaterThanOrEqual(1);
    expect(await messagesOf(userId)).toEqual(['checkin-reminder:sent']);
    // The failed attempt's count is lost with it; the retry found the reminder already sent.
    expect(remindersIn(runs)).toBeLessThanOrEqual(1);
    expect((await pointsOf(userId)).history).toEqual(ledgerBefore);
    const program = (await call(runtime, 'GET', `/v1/users/${userId}/programs`)).body as { programs: Array<{ nextWakeAt: string }> };
    expect(new Date(program.programs[0]!.nextWakeAt).getTime()).toBeGreaterThan(runtime.clock.now().getTime());
  }, 300_000);

  it('takes a shard with more due programs than one invocation page by page on its cursor', async () => {
    // Prepare: three users on the same wake shard, enrolled this morning; a shard none of the
    // earlier tests' programs is on (one of them may be due this evening too).
    const day = dayAhead(runtime, 1, SHANGHAI);
    moveTo(runtime, day, '09:30', SHANGHAI);
    const takenShards = new Set(enrolledSoFar.map((userId) => shardOf(userId, WAKE_SHARDS)));
    let shard = shardOf(freshUser(), WAKE_SHARDS);
    while (takenShards.has(shard)) shard = shardOf(freshUser(), WAKE_SHARDS);
    const users: string[] = [];
    while (users.length < 3) {
      const candidate = freshUser();
      if (shardOf(candidate, WAKE_SHARDS) === shard) users.push(candidate);
    }
    for (const userId of users) await enroll(userId);
    // The shard task's page at this evening's 20:05, asked for now: the clock stays in the morning,
    // so no scheduled run takes these programs first (and the send path, on the clock, is past
    // its quiet hours).
    const now = instantAtLocalTime(day, '20:05', SHANGHAI).toISOString();
    const task = { runId: 'cursor-test', now, shard, cursor: null as string | null, maxProgramsPerInvocation: 1 };

    // Act: the template's shard function, invoked as the state machine's loop does.
    const pages: CheckinShardResult[] = [];
    let next: typeof task & Partial<CheckinShardResult> = task;
    do {
      const page = CheckinShardResult.parse(await runtime.invoke('LoyaltyLoyaltyCheckinShard', next));
      pages.push(page);
      next = page;
    } while (next.cursor !== null && pages.length < 20);

    // Assess
    expect(pages.length).toBeGreaterThanOrEqual(3);
    expect(pages.slice(0, -1).every((page) => page.cursor !== null)).toBe(true);
    expect(pages.at(-1)).toMatchObject({ cursor: null, invocations: pages.length });
    expect(pages.at(-1)!.counts).toMatchObject({ due: 3, reminders: 3, rescheduled: 3 });
    for (const userId of users) expect(await messagesOf(userId)).toEqual(['checkin-reminder:sent']);
  }, 300_000);
});
