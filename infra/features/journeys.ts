import { Duration } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import * as events from 'aws-cdk-lib/aws-events';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import * as eventTargets from 'aws-cdk-lib/aws-events-targets';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq, SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import cdkNag from 'cdk-nag';
import { Construct } from 'constructs';
import { ENV } from '../../shared/config/tables';
import { JOURNEY_ENV } from '../../shared/adapters/journeys/journey-config';
import { LifecycleEventType } from '../../shared/domain/journeys/lifecycle';
import { JourneyLaunchWorkflow } from '../../workflows/journey-launch';
import { RecallJourneyWorkflow } from '../../workflows/recall-journey';
import { RekindleFunction } from '../constructs/rekindle-function';
import type { FeatureContext } from './feature-context';
import type { MessagingFeature } from './messaging';

// cdk-nag is CommonJS built by jsii; its named exports are not visible to ESM importers.
const { NagSuppressions } = cdkNag;

export interface JourneysFeatureProps {
  /** The one send path: CheckExitAndSend sends through it. */
  messaging: MessagingFeature;
}

/**
 * Wanted start rate across the starter's concurrent invocations. Step Functions Standard starts
 * about 300 executions/s after its burst; staying under it keeps throttling the exception.
 */
const START_RATE_PER_SECOND = 250;
/** Scan segments a launch selects at once: enrollment writes stay far under the tables' capacity. */
const LAUNCH_MAX_CONCURRENCY = 4;
/** TierChanged events an automatic-recall invocation enrolls at once (SQS batch, with a batching window). */
const AUTO_ENROLL_BATCH = 100;
/** Automatic-recall invocations at once: the starter, not enrollment, paces the executions. */
const AUTO_ENROLL_MAX_CONCURRENCY = 2;
/** The starter's maximum concurrency (event source mapping): 2 × 10-message batches in flight. */
const STARTER_MAX_CONCURRENCY = 2;

/**
 * Recall journeys: the one-user-per-execution state machine and its CheckExitAndSend task, the
 * launch API with its queue and rate-limited starter, lifecycle control, the report, and automatic
 * enrollment on TierChanged events from nightly scoring.
 */
export class JourneysFeature extends Construct {
  /** Where enrollments wait for their execution to start: the experiments' rollout queues the members a stage admits. */
  readonly launchQueue: sqs.IQueue;

  constructor(scope: Construct, id: string, context: FeatureContext, props: JourneysFeatureProps) {
    super(scope, id);
    const { data, settings } = context;
    const tablesEnvironment = { [ENV.aggregateRetentionDays]: String(settings.aggregateRetentionDays) };
    const journeyFunction = (functionId: string, entry: string, description: string, timeout?: Duration) =>
      new RekindleFunction(this, functionId, { entry, description, environment: tablesEnvironment, ...(timeout ? { timeout } : {}) })
        .useTable(data.usersTable, ENV.usersTable, 'readWrite')
        .useTable(data.operationsTable, ENV.operationsTable, 'readWrite');

    const checkExitAndSend = props.messaging.grantSend(
      journeyFunction(
        'JourneyCheckExitAndSend',
        'functions/journey-check-exit-and-send/handler.ts',
        'Recall journey step: checks exit, pause and kill switch, sends, records',
      ),
    );
    const workflow = new RecallJourneyWorkflow(this, 'RecallJourney', { checkExitAndSend, usersTable: data.usersTable });
    const machine = workflow.stateMachine;

    const launchFailures = new sqs.Queue(this, 'JourneyLaunchFailures', {
      retentionPeriod: Duration.days(14),
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: data.key,
      enforceSSL: true,
    });
    const launchQueue = new sqs.Queue(this, 'JourneyLaunchQueue', {
      // Longer than the starter's timeout, as Lambda requires.
      visibilityTimeout: Duration.seconds(60),
      retentionPeriod: Duration.days(4),
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: data.key,
      enforceSSL: true,
      deadLetterQueue: { queue: launchFailures, maxReceiveCount: 10 },
    });
    this.launchQueue = launchQueue;

    // Escalation hand-over enrolls the user in a later tier's standing journey through the same queue.
    checkExitAndSend.addEnvironment(JOURNEY_ENV.launchQueueUrl, launchQueue.queueUrl);
    launchQueue.grantSendMessages(checkExitAndSend);

    const startExecutions = journeyFunction(
      'JourneyStartExecutions',
      'functions/journey-start-executions/handler.ts',
      'Starts queued journey enrollments at a controlled rate',
      Duration.seconds(30),
    );
    startExecutions.addEnvironment(JOURNEY_ENV.stateMachineArn, machine.stateMachineArn);
    startExecutions.addEnvironment(JOURNEY_ENV.startRatePerSecond, String(Math.floor(START_RATE_PER_SECOND / STARTER_MAX_CONCURRENCY)));
    machine.grantStartExecution(startExecutions);
    // A group's failed starts go back to the queue one a message.
    startExecutions.addEnvironment(JOURNEY_ENV.launchQueueUrl, launchQueue.queueUrl);
    launchQueue.grantSendMessages(startExecutions);
    startExecutions.addEventSource(new SqsEventSource(launchQueue, { batchSize: 10, maxConcurrency: STARTER_MAX_CONCURRENCY, reportBatchItemFailures: true }));

    // The launch is a workflow: the API stores the journey and starts it; its tasks select, enroll and queue.
    const launchSegment = journeyFunction(
      'JourneyLaunchSegment',
      'functions/journey-launch-segment/handler.ts',
      'Launch workflow: selects, enrolls and queues one scan segment',
      Duration.minutes(5),
    );
    launchSegment.addEnvironment(JOURNEY_ENV.launchQueueUrl, launchQueue.queueUrl);
    launchQueue.grantSendMessages(launchSegment);
    const finishLaunch = journeyFunction(
      'JourneyFinishLaunch',
      'functions/journey-finish-launch/handler.ts',
      'Launch workflow: records the counts, launching to running',
    );
    const launchWorkflow = new JourneyLaunchWorkflow(this, 'LaunchWorkflow', {
      launchSegment,
      finishLaunch,
      operationsTable: data.operationsTable,
      maxConcurrency: LAUNCH_MAX_CONCURRENCY,
    });
    const launch = journeyFunction(
      'JourneyLaunch',
      'functions/journey-launch/handler.ts',
      'POST /v1/journeys: stores the journey launching, starts its launch workflow',
    );
    launch.addEnvironment(JOURNEY_ENV.launchStateMachineArn, launchWorkflow.stateMachine.stateMachineArn);
    launchWorkflow.stateMachine.grantStartExecution(launch);
    NagSuppressions.addResourceSuppressions(
      launchWorkflow.stateMachine,
      [
        {
          id: 'AwsSolutions-IAM5',
          reason:
            'The launch workflow may invoke every version of its two task functions (<function arn>:*), the grant CDK writes for a Lambda task; nothing else.',
          appliesTo: [{ regex: '/^Resource::<JourneysJourney(LaunchSegment|FinishLaunch)[A-Z0-9]+\\.Arn>:\\*$/g' }],
        },
      ],
      true,
    );

    // The exact preview: the launch's selection, counted by its own task, enrolling nobody.
    const countSegment = journeyFunction(
      'JourneyCountSegment',
      'functions/journey-count-segment/handler.ts',
      'Count workflow: counts one scan segment as a launch selects it',
      Duration.minutes(5),
    );
    const countWorkflow = new JourneyLaunchWorkflow(this, 'CountWorkflow', {
      launchSegment: countSegment,
      operationsTable: data.operationsTable,
      maxConcurrency: LAUNCH_MAX_CONCURRENCY,
      mode: 'count',
    });
    NagSuppressions.addResourceSuppressions(
      countWorkflow.stateMachine,
      [
        {
          id: 'AwsSolutions-IAM5',
          reason: 'The count workflow may invoke every version of its task function (<function arn>:*), the grant CDK writes for a Lambda task; nothing else.',
          appliesTo: [{ regex: '/^Resource::<JourneysJourneyCountSegment[A-Z0-9]+\\.Arn>:\\*$/g' }],
        },
      ],
      true,
    );

    // Automatic recall is batched: EventBridge puts each TierChanged event on a queue, and the
    // consumer enrolls up to a hundred at a time, one group write per journey, its starts going
    // through the launch queue's paced starter. One Lambda invocation per event (the earlier rule
    // target) cost an invocation, a journey list and a transaction per user on a night that moves
    // thousands of users.
    const autoEnroll = journeyFunction(
      'JourneyAutoEnroll',
      'functions/journey-auto-enroll/handler.ts',
      'TierChanged queue: enrolls each batch of users in their new tier automatic journey',
      Duration.minutes(1),
    );
    autoEnroll.addEnvironment(JOURNEY_ENV.launchQueueUrl, launchQueue.queueUrl);
    launchQueue.grantSendMessages(autoEnroll);
    const tierChangedFailures = new sqs.Queue(this, 'TierChangedFailures', {
      retentionPeriod: Duration.days(14),
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: data.key,
      enforceSSL: true,
    });
    const tierChangedQueue = new sqs.Queue(this, 'TierChangedQueue', {
      // Six times the consumer's timeout, as AWS advises for a batching window.
      visibilityTimeout: Duration.minutes(6),
      retentionPeriod: Duration.days(4),
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: data.key,
      enforceSSL: true,
      deadLetterQueue: { queue: tierChangedFailures, maxReceiveCount: 10 },
    });
    new events.Rule(this, 'TierChangedRule', {
      description: 'Automatic recall: tier changes from nightly scoring, queued for the batched consumer',
      eventPattern: { source: ['rekindle.scoring'], detailType: ['TierChanged'] },
      targets: [new eventTargets.SqsQueue(tierChangedQueue, { retryAttempts: 8, maxEventAge: Duration.hours(6), deadLetterQueue: tierChangedFailures })],
    });
    autoEnroll.addEventSource(
      new SqsEventSource(tierChangedQueue, {
        batchSize: AUTO_ENROLL_BATCH,
        maxBatchingWindow: Duration.seconds(5),
        maxConcurrency: AUTO_ENROLL_MAX_CONCURRENCY,
        reportBatchItemFailures: true,
      }),
    );
    context.alarmOnMessages(tierChangedFailures, 'TierChanged events not enrolled after 10 receives (or not delivered to the queue)');

    // Lifecycle entry: the raw-event stream, filtered to new events of the types a journey can enter on.
    const lifecycleEntry = journeyFunction(
      'JourneyLifecycleEntry',
      'functions/journey-lifecycle-entry/handler.ts',
      'Lifecycle journeys: new behaviour events enter users, by the re-entry policy',
      Duration.minutes(1),
    );
    lifecycleEntry.addEnvironment(JOURNEY_ENV.launchQueueUrl, launchQueue.queueUrl);
    launchQueue.grantSendMessages(lifecycleEntry);
    const lifecycleEntryFailures = new sqs.Queue(this, 'JourneyLifecycleEntryFailures', {
      retentionPeriod: Duration.days(14),
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: data.key,
      enforceSSL: true,
    });
    lifecycleEntry.addEventSource(
      new DynamoEventSource(data.eventsTable, {
        startingPosition: lambda.StartingPosition.LATEST,
        batchSize: 500,
        maxBatchingWindow: Duration.seconds(1),
        bisectBatchOnError: true,
        retryAttempts: 5,
        onFailure: new SqsDlq(lifecycleEntryFailures),
        filters: [
          lambda.FilterCriteria.filter({
            eventName: lambda.FilterRule.isEqual('INSERT'),
            dynamodb: { NewImage: { type: { S: lambda.FilterRule.or(...LifecycleEventType.options) } } },
          }),
        ],
      }),
    );
    context.alarmOnMessages(lifecycleEntryFailures, 'Raw events whose lifecycle entry failed after retries');

    const control = journeyFunction('JourneyControl', 'functions/journey-control/handler.ts', 'POST /v1/journeys/{id}/pause|resume|stop', Duration.minutes(5));
    control.addEnvironment(JOURNEY_ENV.stateMachineArn, machine.stateMachineArn);
    machine.grant(control, 'states:StopExecution');
    machine.grantExecution(control, 'states:StopExecution');

    const preview = journeyFunction(
      'JourneyPreview',
      'functions/journey-preview/handler.ts',
      'POST /v1/journeys/preview: the dry run of a launch, from the audience summary, or an exact count started',
    );
    preview.addEnvironment(JOURNEY_ENV.countStateMachineArn, countWorkflow.stateMachine.stateMachineArn);
    countWorkflow.stateMachine.grantStartExecution(preview);
    // Hourly, so the summary follows each night's scores within the hour with no hook inside scoring.
    const audienceSummary = journeyFunction(
      'JourneyAudienceSummary',
      'functions/journey-audience-summary/handler.ts',
      'Recomputes the audience summary after each nightly scoring run',
      Duration.minutes(15),
    );
    new scheduler.Schedule(this, 'AudienceSummarySchedule', {
      description: 'Audience summary: recomputed once a nightly scoring run has finished since the last one',
      schedule: scheduler.ScheduleExpression.rate(Duration.hours(1)),
      target: new schedulerTargets.LambdaInvoke(audienceSummary, { retryAttempts: 2, maxEventAge: Duration.minutes(30) }),
    });
    // The CDK's one scheduler role per stack may invoke this function: accepted in infra/nag-suppressions.ts.
    const list = journeyFunction('JourneyList', 'functions/journey-list/handler.ts', 'GET /v1/journeys');
    const get = journeyFunction('JourneyGet', 'functions/journey-get/handler.ts', 'GET /v1/journeys/{id}');
    const report = journeyFunction('JourneyReport', 'functions/journey-report/handler.ts', 'GET /v1/journeys/{id}/report', Duration.minutes(2));

    context.addRoute(apigw.HttpMethod.POST, '/v1/journeys/preview', preview, 'marketer');
    context.addRoute(apigw.HttpMethod.GET, '/v1/journeys/preview/{countId}', preview, 'marketer');
    context.addRoute(apigw.HttpMethod.POST, '/v1/journeys', launch, 'marketer');
    context.addRoute(apigw.HttpMethod.GET, '/v1/journeys', list, 'marketer');
    context.addRoute(apigw.HttpMethod.GET, '/v1/journeys/{journeyId}', get, 'marketer');
    context.addRoute(apigw.HttpMethod.GET, '/v1/journeys/{journeyId}/report', report, 'marketer');
    for (const command of ['pause', 'resume', 'stop']) context.addRoute(apigw.HttpMethod.POST, `/v1/journeys/{journeyId}/${command}`, control, 'marketer');

    context.alarmOnMessages(launchFailures, 'Journey enrollments whose execution could not be started after 10 receives');
    for (const fn of [
      checkExitAndSend,
      startExecutions,
      launch,
      launchSegment,
      finishLaunch,
      countSegment,
      autoEnroll,
      lifecycleEntry,
      control,
      preview,
      audienceSummary,
      list,
      get,
      report,
    ])
      context.alarmOnErrors(fn);
  }
}
