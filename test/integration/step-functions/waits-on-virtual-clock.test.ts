import { describe, expect, it } from 'vitest';
import { DAY_MS, START, createRuntime, lambdaArn, settled } from './runtime-fixture';

describe('Wait states on the virtual clock', () => {
  it('runs a 7-day Wait and its Task only once the clock has moved 7 days', async () => {
    // Prepare
    const calls: unknown[] = [];
    const { clock, stepFunctions, register } = createRuntime({
      remind: async (input) => {
        calls.push(input);
        return { reminded: true };
      },
    });
    const arn = register('seven-days', {
      StartAt: 'WaitAWeek',
      States: {
        WaitAWeek: { Type: 'Wait', Seconds: 7 * 86_400, Next: 'Remind' },
        Remind: {
          Type: 'Task',
          Resource: lambdaArn('remind'),
          Parameters: { 'userId.$': '$.userId', 'startedAt.$': '$$.Execution.StartTime' },
          End: true,
        },
      },
    });

    // Act
    const { executionArn } = await stepFunctions.startExecution({ stateMachineArn: arn, name: 'u-1', input: '{"userId":"u-1"}' });
    await settled(() => clock.pending === 1);
    clock.advance(7 * DAY_MS - 1_000);
    await settled(() => clock.pending === 1);
    const beforeTheWeekIsOut = await stepFunctions.describeExecution(executionArn);
    clock.advance(1_000);
    const finished = await stepFunctions.waitForExecution(executionArn);

    // Assess
    expect(beforeTheWeekIsOut.status).toBe('RUNNING');
    expect(finished.status).toBe('SUCCEEDED');
    expect(JSON.parse(finished.output ?? 'null')).toEqual({ reminded: true });
    expect(calls).toEqual([{ userId: 'u-1', startedAt: finished.startDate.toISOString() }]);
    expect(finished.startDate.getTime() - START.getTime()).toBeLessThan(5_000);
    expect(finished.stopDate!.getTime() - finished.startDate.getTime()).toBeGreaterThanOrEqual(7 * DAY_MS);
  });

  it('waits until a TimestampPath, then for SecondsPath, keeping InputPath and OutputPath semantics', async () => {
    // Prepare
    const { clock, stepFunctions, register } = createRuntime();
    const arn = register('path-waits', {
      StartAt: 'UntilSendTime',
      States: {
        UntilSendTime: { Type: 'Wait', TimestampPath: '$.plan.sendAt', Next: 'Cooldown' },
        Cooldown: { Type: 'Wait', SecondsPath: '$.cooldownSeconds', InputPath: '$.plan', OutputPath: '$.label', End: true },
      },
    });
    const sendAt = new Date(START.getTime() + 2 * DAY_MS).toISOString();
    const input = JSON.stringify({ plan: { sendAt, cooldownSeconds: 3_600, label: 'done' } });

    // Act
    const { executionArn } = await stepFunctions.startExecution({ stateMachineArn: arn, name: 'paths', input });
    await settled(() => clock.pending === 1);
    clock.advance(DAY_MS);
    await settled(() => clock.pending === 1);
    const afterOneDay = await stepFunctions.describeExecution(executionArn);
    clock.setTo(new Date(sendAt));
    await settled(() => clock.pending === 1);
    clock.advance(3_599_000);
    await settled(() => clock.pending === 1);
    const justBeforeCooldownEnds = await stepFunctions.describeExecution(executionArn);
    clock.advance(1_000);
    const finished = await stepFunctions.waitForExecution(executionArn);

    // Assess
    expect(afterOneDay.status).toBe('RUNNING');
    expect(justBeforeCooldownEnds.status).toBe('RUNNING');
    expect(finished.status).toBe('SUCCEEDED');
    expect(finished.output).toBe('"done"');
  });

  it('does not wait for a Timestamp already in the clock’s past', async () => {
    // Prepare
    const { stepFunctions, register } = createRuntime();
    const arn = register('past-timestamp', {
      StartAt: 'Past',
      States: { Past: { Type: 'Wait', Timestamp: '2020-01-01T00:00:00Z', End: true } },
    });

    // Act
    const { executionArn } = await stepFunctions.startExecution({ stateMachineArn: arn, input: '{"kept":true}' });
    const finished = await stepFunctions.waitForExecution(executionArn);

    // Assess
    expect(finished.status).toBe('SUCCEEDED');
    expect(finished.output).toBe('{"kept":true}');
  });

  it('fails with States.Runtime when SecondsPath does not hold a non-negative integer', async () => {
    // Prepare
    const { stepFunctions, register } = createRuntime();
    const arn = register('bad-seconds', {
      StartAt: 'Bad',
      States: { Bad: { Type: 'Wait', SecondsPath: '$.seconds', End: true } },
    });

    // Act
    const { executionArn } = await stepFunctions.startExecution({ stateMachineArn: arn, input: '{"seconds":-5}' });
    const finished = await stepFunctions.waitForExecution(executionArn);

    // Assess
    expect(finished.status).toBe('FAILED');
    expect(finished.error).toBe('States.Runtime');
  });

  it('runs Waits inside a Map iteration on the clock, each with its own duration', async () => {
    // Prepare
    const { clock, stepFunctions, register } = createRuntime({ stamp: async (input) => ({ stamped: input }) });
    const arn = register('map-waits', {
      StartAt: 'EachUser',
      States: {
        EachUser: {
          Type: 'Map',
          ItemsPath: '$.users',
          ItemProcessor: {
            ProcessorConfig: { Mode: 'INLINE' },
            StartAt: 'Hold',
            States: {
              Hold: { Type: 'Wait', SecondsPath: '$.holdSeconds', Next: 'Stamp' },
              Stamp: { Type: 'Task', Resource: lambdaArn('stamp'), Parameters: { 'id.$': '$.id' }, End: true },
            },
          },
          End: true,
        },
      },
    });
    const users = [
      { id: 'a', holdSeconds: 86_400 },
      { id: 'b', holdSeconds: 3 * 86_400 },
    ];

    // Act
    const { executionArn } = await stepFunctions.startExecution({ stateMachineArn: arn, input: JSON.stringify({ users }) });
    await settled(() => clock.pending === 2);
    clock.advance(DAY_MS);
    await settled(() => clock.pending === 1);
    const afterOneDay = await stepFunctions.describeExecution(executionArn);
    clock.advance(2 * DAY_MS);
    const finished = await stepFunctions.waitForExecution(executionArn);

    // Assess
    expect(afterOneDay.status).toBe('RUNNING');
    expect(finished.status).toBe('SUCCEEDED');
    expect(JSON.parse(finished.output ?? 'null')).toEqual([{ stamped: { id: 'a' } }, { stamped: { id: 'b' } }]);
  });
});
