import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../../infra/local/local-runtime';
import { CheckinRunSummary, DEFAULT_PROGRAMS, addLocalDays, enrollInCheckinProgram, instantAtLocalTime, type LocalDay } from '../../../shared/domain/loyalty';
import { startTestRuntime } from '../../support/test-runtime';
import { dayAhead, moveTo, servicesOn } from './loyalty-fixtures';

/** 2,000 by default; `npm run test:scale` sweeps 10,000 (REKINDLE_SCALE_CHECKIN_ENROLLED). */
const ENROLLED = Number(process.env.REKINDLE_SCALE_CHECKIN_ENROLLED ?? 2000);
const SHANGHAI = 'Asia/Shanghai';
let runtime: LocalRuntime;

beforeAll(async () => {
  runtime = await startTestRuntime();
}, 240_000);
afterAll(async () => {
  await runtime?.stop();
});

const machineArn = () => runtime.stateMachineArn('LoyaltyCheckinProgramsStateMachine');

describe(`the check-in programs state machine over ${ENROLLED.toLocaleString('en')} enrolled users`, () => {
  it('sweeps every due program in one run: each moved to tomorrow’s wake-up, nothing left due, nothing sent twice', async () => {
    // Prepare: every user enrolled this morning and checked in already, so tonight's wake-up only moves on.
    const start: LocalDay = dayAhead(runtime, 1, SHANGHAI);
    moveTo(runtime, start, '09:00', SHANGHAI);
    const ports = servicesOn(runtime);
    const checkin21 = DEFAULT_PROGRAMS[0]!;
    const userIds = Array.from({ length: ENROLLED }, (_, index) => `scale-${String(index).padStart(6, '0')}`);
    for (let from = 0; from < userIds.length; from += 50) {
      await Promise.all(
        userIds.slice(from, from + 50).map(async (userId) => {
          const enrolled = enrollInCheckinProgram({ userId, timeZone: SHANGHAI, at: runtime.clock.now(), config: checkin21 });
          expect(await ports.programs.create({ ...enrolled, checkedInDays: [start], streak: 1 })).toBe('created');
        }),
      );
    }
    const tonight = instantAtLocalTime(start, checkin21.reminder.localTime, SHANGHAI);
    const runsBefore = (await runtime.stepFunctions!.listExecutions(machineArn())).length;

    // Act: the evening run (the schedule's, on the clock move), then one started by hand as the schedule would.
    moveTo(runtime, start, '20:05', SHANGHAI);
    const { executionArn } = await runtime.stepFunctions!.startExecution({ stateMachineArn: machineArn(), input: '{}' });
    await runtime.stepFunctions!.waitForExecution(executionArn);
    await runtime.settle();
    const listed = await runtime.stepFunctions!.listExecutions(machineArn());
    const runs = await Promise.all(
      listed.slice(0, listed.length - runsBefore).map((run) => (run.status === 'RUNNING' ? runtime.stepFunctions!.waitForExecution(run.executionArn) : run)),
    );
    const now = runtime.clock.now();
    const stillDue = await Promise.all(Array.from({ length: ports.programs.wakeShards }, (_, shard) => ports.programs.dueWakeUps(shard, now, 1)));
    const sample = await ports.programs.load(userIds[0]!, checkin21.programId);

    // Assess
    expect(runs.map((run) => run.status)).toEqual(runs.map(() => 'SUCCEEDED'));
    const totals = runs.map((run) => CheckinRunSummary.parse(JSON.parse(run.output ?? 'null')).totals);
    expect(totals.reduce((sum, counts) => sum + counts.reminders, 0)).toBe(0);
    expect(totals.reduce((sum, counts) => sum + counts.rescheduled + counts.conflicts, 0)).toBeGreaterThanOrEqual(ENROLLED);
    expect(stillDue.flatMap((page) => page.wakeUps)).toEqual([]);
    expect(sample?.wakeAt).toBe(instantAtLocalTime(addLocalDays(start, 1), checkin21.reminder.localTime, SHANGHAI).toISOString());
    expect(new Date(sample!.wakeAt!).getTime()).toBeGreaterThan(tonight.getTime());
  }, 600_000);
});
