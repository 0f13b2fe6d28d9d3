import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  ListExecutionsCommand,
  SFNClient,
  SendTaskSuccessCommand,
  StartExecutionCommand,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { afterEach, describe, expect, it } from 'vitest';
import { type StepFunctionsServer, startStepFunctionsServer } from '../../../infra/local/step-functions';
import { createRuntime, lambdaArn, settled } from './runtime-fixture';

const servers: StepFunctionsServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function serve(runtime: ReturnType<typeof createRuntime>) {
  const server = await startStepFunctionsServer({ port: 0, engine: runtime.stepFunctions });
  servers.push(server);
  const client = new SFNClient({
    endpoint: server.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  return client;
}

describe('the Step Functions JSON endpoint, through the real SFNClient', () => {
  it('starts, describes, lists and stops executions, and answers a reused name with ExecutionAlreadyExists', async () => {
    // Prepare
    const runtime = createRuntime();
    const stateMachineArn = runtime.register('served', {
      StartAt: 'Hold',
      States: { Hold: { Type: 'Wait', Seconds: 86_400, End: true } },
    });
    const client = await serve(runtime);

    // Act
    const started = await client.send(new StartExecutionCommand({ stateMachineArn, name: 'user-7', input: '{"a":1}' }));
    const reused = await client.send(new StartExecutionCommand({ stateMachineArn, name: 'user-7', input: '{"a":2}' })).catch((error: unknown) => error);
    const running = await client.send(new DescribeExecutionCommand({ executionArn: started.executionArn }));
    await client.send(new StopExecutionCommand({ executionArn: started.executionArn, error: 'Manual', cause: 'test' }));
    const stopped = await client.send(new DescribeExecutionCommand({ executionArn: started.executionArn }));
    const listed = await client.send(new ListExecutionsCommand({ stateMachineArn, statusFilter: 'ABORTED' }));

    // Assess
    expect(reused).toBeInstanceOf(ExecutionAlreadyExists);
    expect(running).toMatchObject({ status: 'RUNNING', name: 'user-7', input: '{"a":1}' });
    expect(running.startDate?.getTime()).toBe(started.startDate?.getTime());
    expect(stopped).toMatchObject({ status: 'ABORTED', error: 'Manual', cause: 'test' });
    expect(listed.executions?.map((execution) => execution.executionArn)).toEqual([started.executionArn]);
  });

  it('completes a callback task with SendTaskSuccess', async () => {
    // Prepare
    let token: string | undefined;
    const runtime = createRuntime({
      'ask-approval': async (_input, context) => {
        token = context.taskToken;
        return {};
      },
    });
    const stateMachineArn = runtime.register('callback-served', {
      StartAt: 'Ask',
      States: { Ask: { Type: 'Task', Resource: `${lambdaArn('ask-approval')}.waitForTaskToken`, End: true } },
    });
    const client = await serve(runtime);
    const { executionArn } = await client.send(new StartExecutionCommand({ stateMachineArn }));
    await settled(() => token !== undefined);

    // Act
    await client.send(new SendTaskSuccessCommand({ taskToken: token, output: '{"ok":true}' }));
    const finished = await runtime.stepFunctions.waitForExecution(executionArn!);

    // Assess
    expect(finished).toMatchObject({ status: 'SUCCEEDED', output: '{"ok":true}' });
  });

  it('answers an unknown execution with ExecutionDoesNotExist', async () => {
    // Prepare
    const client = await serve(createRuntime());

    // Act
    const describe = client.send(new DescribeExecutionCommand({ executionArn: 'arn:aws:states:us-east-1:000000000000:execution:none:x' }));

    // Assess
    await expect(describe).rejects.toMatchObject({ name: 'ExecutionDoesNotExist' });
  });
});
