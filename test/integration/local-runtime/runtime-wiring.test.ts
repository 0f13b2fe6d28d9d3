import { App, Duration, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as eventTargets from 'aws-cdk-lib/aws-events-targets';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RekindleFunction } from '../../../infra/constructs/rekindle-function';
import { LocalRuntime } from '../../../infra/local/local-runtime';
import { freePorts } from '../../../infra/local/preflight';
import { SynthesizedApp } from '../../../infra/local/template';

const DAY = 86_400_000;

/** A small app with one of each resource kind the runtime wires: the runtime must run it as AWS would. */
function wiringApp(): SynthesizedApp {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'Wiring');
  const table = new dynamodb.Table(stack, 'Invocations', {
    partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
    sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
  });
  const record = new RekindleFunction(stack, 'Record', { entry: 'test/support/fixtures/record-invocation.ts', description: 'records invocations' }).useTable(
    table,
    'FIXTURE_TABLE',
    'readWrite',
  );

  const machine = new sfn.StateMachine(stack, 'WaitThenRecord', {
    definitionBody: sfn.DefinitionBody.fromChainable(
      new sfn.Wait(stack, 'WaitTwoDays', { time: sfn.WaitTime.duration(Duration.days(2)) }).next(
        new tasks.LambdaInvoke(stack, 'RecordAfterWait', {
          lambdaFunction: record,
          payloadResponseOnly: true,
          payload: sfn.TaskInput.fromObject({ from: 'state-machine' }),
        }),
      ),
    ),
  });

  new scheduler.Schedule(stack, 'Nightly', {
    schedule: scheduler.ScheduleExpression.cron({ minute: '0', hour: '2', timeZone: { timezoneName: 'Asia/Shanghai' } as never }),
    target: new schedulerTargets.LambdaInvoke(record, { input: scheduler.ScheduleTargetInput.fromObject({ from: 'schedule' }) }),
  });

  const queue = new sqs.Queue(stack, 'Work');
  record.addEventSource(new SqsEventSource(queue));
  const topic = new sns.Topic(stack, 'Feedback');
  topic.addSubscription(new subscriptions.LambdaSubscription(record));
  new events.Rule(stack, 'TierChanged', {
    eventPattern: { source: ['rekindle.scoring'], detailType: ['TierChanged'], detail: { tier: ['R3'] } },
    targets: [new eventTargets.LambdaFunction(record)],
  });
  void machine;
  return SynthesizedApp.fromApp(app, [stack]);
}

let runtime: LocalRuntime;
let documents: DynamoDBDocumentClient;

async function invocations(): Promise<Array<{ at: string; event: Record<string, unknown> }>> {
  await runtime.settle();
  const answer = await documents.send(
    new QueryCommand({
      TableName: runtime.tables.get([...runtime.tables.keys()][0]!)!,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': 'INVOCATION' },
      ConsistentRead: true,
    }),
  );
  return (answer.Items ?? []).map((item) => ({ at: String(item.at), event: JSON.parse(String(item.event)) as Record<string, unknown> }));
}

beforeAll(async () => {
  runtime = await LocalRuntime.start(
    {
      dataDir: null,
      ports: await freePorts(),
      logLevel: 'ERROR',
    },
    wiringApp(),
  );
  documents = DynamoDBDocumentClient.from(runtime.dynamodb.client);
});
afterAll(async () => {
  await runtime?.stop();
});

describe('the local runtime runs what the template declares', () => {
  it('runs a state machine whose Wait is on the virtual clock', async () => {
    // Prepare
    const fromMachine = async () => (await invocations()).filter((invocation) => invocation.event.from === 'state-machine');
    const before = (await fromMachine()).length;
    const { executionArn } = await runtime.stepFunctions!.startExecution({ stateMachineArn: runtime.stateMachineArn('WaitThenRecord'), name: 'wiring-1' });

    // Act
    runtime.clock.advance(2 * DAY - 60_000);
    const stillWaiting = await runtime.stepFunctions!.describeExecution(executionArn);
    runtime.clock.advance(60_000);
    const finished = await runtime.stepFunctions!.waitForExecution(executionArn);

    // Assess
    expect(stillWaiting.status).toBe('RUNNING');
    expect(finished.status).toBe('SUCCEEDED');
    expect((await fromMachine()).length).toBe(before + 1);
  });

  it('fires a daily schedule once per day skipped, in the schedule’s time zone', async () => {
    // Prepare
    const before = (await invocations()).filter((invocation) => invocation.event.from === 'schedule').length;

    // Act
    runtime.clock.advance(3 * DAY);
    const fired = (await invocations()).filter((invocation) => invocation.event.from === 'schedule');

    // Assess: 02:00 Asia/Shanghai is 18:00 UTC the day before.
    expect(fired.length - before).toBe(3);
    expect(runtime.scheduleLog.slice(-3).every((entry) => entry.scheduledTime.endsWith('T18:00:00.000Z'))).toBe(true);
  });

  it('delivers queue messages, topic notifications and matching bus events to their functions', async () => {
    // Prepare
    const options = { region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
    const sqs = new SQSClient({ endpoint: runtime.emulators.snsSqsEndpoint, ...options });
    const sns = new SNSClient({ endpoint: runtime.emulators.snsSqsEndpoint, ...options });
    const bus = new EventBridgeClient({ endpoint: process.env.AWS_ENDPOINT_URL_EVENTBRIDGE, ...options });
    const url = runtime.queueUrl('Work');

    // Act
    await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: JSON.stringify({ from: 'queue' }) }));
    await sns.send(new PublishCommand({ TopicArn: runtime.topicArn('Feedback'), Message: 'bounce' }));
    await bus.send(new PutEventsCommand({ Entries: [{ Source: 'rekindle.scoring', DetailType: 'TierChanged', Detail: JSON.stringify({ tier: 'R3' }) }] }));
    await bus.send(new PutEventsCommand({ Entries: [{ Source: 'rekindle.scoring', DetailType: 'TierChanged', Detail: JSON.stringify({ tier: 'R1' }) }] }));
    const seen = await invocations();

    // Assess
    const records = seen.map((invocation) => invocation.event);
    expect(records.some((event) => JSON.stringify(event).includes('"eventSource":"aws:sqs"') && JSON.stringify(event).includes('queue'))).toBe(true);
    expect(records.some((event) => JSON.stringify(event).includes('"EventSource":"aws:sns"') && JSON.stringify(event).includes('bounce'))).toBe(true);
    const busEvents = records.filter((event) => event.source === 'rekindle.scoring');
    expect(busEvents).toHaveLength(1);
    expect(busEvents[0]).toMatchObject({ 'detail-type': 'TierChanged', detail: { tier: 'R3' } });
  });
});
