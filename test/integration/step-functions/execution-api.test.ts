import { describe, expect, it } from 'vitest';
import { findJsonataStates } from '../../../infra/local/step-functions';
import { DAY_MS, createRuntime, lambdaArn, machineArn, settled } from './runtime-fixture';

class NamedError extends Error {
  constructor(
    override readonly name: string,
    message: string,
  ) {
    super(message);
  }
}

const waitThenDone = {
  StartAt: 'Hold',
  States: {
    Hold: { Type: 'Wait', Seconds: 86_400, Next: 'Done' },
    Done: { Type: 'Task', Resource: lambdaArn('done'), End: true },
  },
};

describe('executions', () => {
  it('retries a named error with pauses on the clock, then catches the error that outlasts the retries', async () => {
    // Prepare
    let flakyCalls = 0;
    const { clock, stepFunctions, register } = createRuntime({
      flaky: async () => {
        flakyCalls += 1;
        if (flakyCalls < 3) throw new NamedError('Rekindle.Throttled', `attempt ${flakyCalls} throttled`);
        return { sent: true };
      },
      broken: async () => {
        throw new NamedError('Rekindle.TemplateMissing', 'no template for locale xx');
      },
    });
    const arn = register('retry-catch', {
      StartAt: 'Send',
      States: {
        Send: {
          Type: 'Task',
          Resource: lambdaArn('flaky'),
          ResultPath: '$.send',
          Retry: [{ ErrorEquals: ['Rekindle.Throttled'], IntervalSeconds: 3_600, BackoffRate: 2, MaxAttempts: 5 }],
          Next: 'Render',
        },
        Render: {
          Type: 'Task',
          Resource: lambdaArn('broken'),
          Retry: [{ ErrorEquals: ['Rekindle.Throttled'], MaxAttempts: 5 }],
          Catch: [{ ErrorEquals: ['Rekindle.TemplateMissing'], ResultPath: '$.failure', Next: 'GaveUp' }],
          End: true,
        },
        GaveUp: { Type: 'Pass', End: true },
      },
    });

    // Act
    const { executionArn } = await stepFunctions.startExecution({ stateMachineArn: arn, name: 'retry', input: '{}' });
    await settled(() => clock.pending === 1);
    const callsBeforeFirstPause = flakyCalls;
    clock.advance(3_600_000);
    await settled(() => flakyCalls === 2 && clock.pending === 1);
    clock.advance(2 * 3_600_000);
    const finished = await stepFunctions.waitForExecution(executionArn);

    // Assess
    expect(callsBeforeFirstPause).toBe(1);
    expect(flakyCalls).toBe(3);
    expect(finished.status).toBe('SUCCEEDED');
    expect(JSON.parse(finished.output ?? 'null')).toEqual({
      send: { sent: true },
      failure: { Error: 'Rekindle.TemplateMissing', Cause: 'no template for locale xx' },
    });
    // Send, Render, GaveUp entered, plus two billed retries, which are also counted apart.
    expect(finished.stateTransitions).toBe(5);
    expect(finished.retries).toBe(2);
  });

  it('fails the execution with the error name and cause when no Catch matches', async () => {
    // Prepare
    const { stepFunctions, register } = createRuntime({
      broken: async () => {
        throw new NamedError('Rekindle.Invalid', 'bad user');
      },
    });
    const arn = register('uncaught', { StartAt: 'Go', States: { Go: { Type: 'Task', Resource: lambdaArn('broken'), End: true } } });

    // Act
    const { executionArn } = await stepFunctions.startExecution({ stateMachineArn: arn });
    const finished = await stepFunctions.waitForExecution(executionArn);

    // Assess
    expect(finished).toMatchObject({ status: 'FAILED', error: 'Rekindle.Invalid', cause: 'bad user' });
  });

  it('answers a reused name as Step Functions does: idempotent while running with the same input, else ExecutionAlreadyExists', async () => {
    // Prepare
    const { clock, stepFunctions, register } = createRuntime({ done: async () => ({}) });
    const arn = register('enrol', waitThenDone);
    const first = await stepFunctions.startExecution({ stateMachineArn: arn, name: 'user-42', input: '{"tier":"R2"}' });

    // Act
    const sameAgain = await stepFunctions.startExecution({ stateMachineArn: arn, name: 'user-42', input: '{"tier":"R2"}' });
    const differentInput = await stepFunctions
      .startExecution({ stateMachineArn: arn, name: 'user-42', input: '{"tier":"R3"}' })
      .catch((error: unknown) => error);
    await settled(() => clock.pending === 1);
    clock.advance(DAY_MS);
    await stepFunctions.waitForExecution(first.executionArn);
    const afterClose = await stepFunctions.startExecution({ stateMachineArn: arn, name: 'user-42', input: '{"tier":"R2"}' }).catch((error: unknown) => error);

    // Assess
    expect(sameAgain.executionArn).toBe(first.executionArn);
    expect(differentInput).toMatchObject({ name: 'ExecutionAlreadyExists' });
    expect(afterClose).toMatchObject({ name: 'ExecutionAlreadyExists' });
    expect(await stepFunctions.listExecutions(arn)).toHaveLength(1);
  });

  it('lets only one of many concurrent identical starts launch an execution', async () => {
    // Prepare
    const { stepFunctions, register } = createRuntime({ done: async () => ({}) });
    const arn = register('concurrent', waitThenDone);

    // Act
    const starts = await Promise.all(Array.from({ length: 20 }, () => stepFunctions.startExecution({ stateMachineArn: arn, name: 'same', input: '{}' })));

    // Assess
    expect(new Set(starts.map((start) => start.executionArn)).size).toBe(1);
    expect(stepFunctions.runningExecutionCount).toBe(1);
    await stepFunctions.stopAll();
  });

  it('aborts an execution waiting on the clock when it is stopped', async () => {
    // Prepare
    let doneCalls = 0;
    const { clock, stepFunctions, register } = createRuntime({
      done: async () => {
        doneCalls += 1;
        return {};
      },
    });
    const arn = register('stoppable', waitThenDone);
    const { executionArn } = await stepFunctions.startExecution({ stateMachineArn: arn, name: 'stop-me' });
    await settled(() => clock.pending === 1);

    // Act
    await stepFunctions.stopExecution(executionArn, { error: 'Rekindle.UserReturned', cause: 'came back' });
    clock.advance(2 * DAY_MS);
    const record = await stepFunctions.describeExecution(executionArn);

    // Assess
    expect(record).toMatchObject({ status: 'ABORTED', error: 'Rekindle.UserReturned', cause: 'came back' });
    expect(record.stopDate).toBeDefined();
    expect(clock.pending).toBe(0);
    expect(doneCalls).toBe(0);
    expect(await stepFunctions.listExecutions(arn, 'ABORTED')).toHaveLength(1);
    expect(await stepFunctions.listExecutions(arn, 'RUNNING')).toHaveLength(0);
  });

  it('times an execution out on the clock after its TimeoutSeconds', async () => {
    // Prepare
    const { clock, stepFunctions, register } = createRuntime({ done: async () => ({}) });
    const arn = register('bounded', { ...waitThenDone, TimeoutSeconds: 3_600 });
    const { executionArn } = await stepFunctions.startExecution({ stateMachineArn: arn });
    await settled(() => clock.pending === 2);

    // Act
    clock.advance(3_600_000);
    const finished = await stepFunctions.waitForExecution(executionArn);

    // Assess
    expect(finished).toMatchObject({ status: 'TIMED_OUT', error: 'States.Timeout' });
  });

  it('counts one state transition per state entered, Map iterations included', async () => {
    // Prepare
    const { stepFunctions, register } = createRuntime({ score: async (input) => input });
    const arn = register('counted', {
      StartAt: 'Prepare',
      States: {
        Prepare: { Type: 'Pass', Result: [1, 2, 3], ResultPath: '$.items', Next: 'HasItems' },
        HasItems: { Type: 'Choice', Choices: [{ Variable: '$.items[0]', IsPresent: true, Next: 'Each' }], Default: 'Nothing' },
        Each: {
          Type: 'Map',
          ItemsPath: '$.items',
          ItemProcessor: {
            StartAt: 'Score',
            States: {
              Score: { Type: 'Task', Resource: lambdaArn('score'), Next: 'Keep' },
              Keep: { Type: 'Pass', End: true },
            },
          },
          Next: 'Finish',
        },
        Finish: { Type: 'Succeed' },
        Nothing: { Type: 'Succeed' },
      },
    });

    // Act
    const { executionArn } = await stepFunctions.startExecution({ stateMachineArn: arn });
    const finished = await stepFunctions.waitForExecution(executionArn);

    // Assess: Prepare, HasItems, Each, 3 x (Score, Keep), Finish.
    expect(finished.status).toBe('SUCCEEDED');
    expect(finished.stateTransitions).toBe(10);
  });

  it('tells onExecutionFinished listeners of each closed execution', async () => {
    // Prepare
    const { stepFunctions, register } = createRuntime();
    const arn = register('observed', { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } });
    const finished: string[] = [];
    stepFunctions.onExecutionFinished((record) => {
      finished.push(`${record.name}:${record.status}`);
    });

    // Act
    const { executionArn } = await stepFunctions.startExecution({ stateMachineArn: arn, name: 'seen' });
    await stepFunctions.waitForExecution(executionArn);
    await settled(() => finished.length === 1);

    // Assess
    expect(finished).toEqual(['seen:SUCCEEDED']);
  });

  it('hands a .waitForTaskToken Task its token and resumes on SendTaskSuccess', async () => {
    // Prepare
    const tokens: { fromContext?: string; fromParameters?: unknown } = {};
    const { stepFunctions, register } = createRuntime({
      'queue-approval': async (input, context) => {
        tokens.fromContext = context.taskToken;
        tokens.fromParameters = (input as { token?: unknown }).token;
        return {};
      },
    });
    const arn = register('callback', {
      StartAt: 'AwaitApproval',
      States: {
        AwaitApproval: {
          Type: 'Task',
          Resource: `${lambdaArn('queue-approval')}.waitForTaskToken`,
          Parameters: { 'token.$': '$$.Task.Token' },
          TimeoutSeconds: 86_400,
          End: true,
        },
      },
    });
    const { executionArn } = await stepFunctions.startExecution({ stateMachineArn: arn });
    await settled(() => tokens.fromContext !== undefined);

    // Act
    stepFunctions.sendTaskSuccess(tokens.fromContext!, '{"approved":true}');
    const finished = await stepFunctions.waitForExecution(executionArn);

    // Assess
    expect(tokens.fromParameters).toBe(tokens.fromContext);
    expect(finished.output).toBe('{"approved":true}');
    expect(() => stepFunctions.sendTaskSuccess(tokens.fromContext!, '{}')).toThrow(expect.objectContaining({ name: 'TaskDoesNotExist' }));
  });
});

describe('definitions', () => {
  it('refuses JSONata anywhere in a definition and says where', () => {
    // Prepare
    const { stepFunctions } = createRuntime();
    const definition = {
      StartAt: 'Each',
      States: {
        Each: {
          Type: 'Map',
          ItemProcessor: { StartAt: 'Inner', States: { Inner: { Type: 'Pass', QueryLanguage: 'JSONata', End: true } } },
          End: true,
        },
      },
    };

    // Act
    const register = () => stepFunctions.registerStateMachine({ arn: machineArn('jsonata'), name: 'jsonata', type: 'STANDARD', definition });

    // Assess
    expect(register).toThrow(expect.objectContaining({ name: 'JsonataNotSupported' }));
    expect(findJsonataStates(definition)).toEqual([{ path: 'Each > ItemProcessor > Inner' }]);
    expect(findJsonataStates({ QueryLanguage: 'JSONata', StartAt: 'P', States: { P: { Type: 'Pass', End: true } } })).toEqual([{ path: '(definition)' }]);
    expect(findJsonataStates(JSON.stringify({ StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }))).toEqual([]);
  });

  it('refuses a Task with no local implementation when the machine is registered', () => {
    // Prepare
    const { stepFunctions } = createRuntime();

    // Act
    const register = () =>
      stepFunctions.registerStateMachine({
        arn: machineArn('unmapped'),
        name: 'unmapped',
        type: 'STANDARD',
        definition: { StartAt: 'T', States: { T: { Type: 'Task', Resource: lambdaArn('nowhere'), End: true } } },
      });

    // Assess
    expect(register).toThrow(expect.objectContaining({ name: 'TaskHandlerNotFound' }));
  });
});
