import { Duration } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { journeyKeys } from '../shared/adapters/journeys/journey-keys';

/** The placeholder `States.Format` fills in: the key layout is written once, in journey-keys.ts. */
const FILLED_IN = '{}';

export interface JourneyLaunchProps {
  /** Selects, enrolls and queues one scan segment from its cursor; answers the segment's state. */
  launchSegment: lambda.IFunction;
  /** Records the launch's counts and moves the journey from launching to running. */
  finishLaunch: lambda.IFunction;
  /** Where RecordLaunchFailure writes the failure onto the journey item. */
  operationsTable: dynamodb.ITable;
  /** Segments launched at once (the Map's MaxConcurrency). */
  maxConcurrency: number;
}

/** Seconds a segment waits before looking again while its journey is paused. */
const PAUSED_RECHECK_SECONDS = 900;

/**
 * Errors a launch task is retried on: transient dependency failures, contended transactions,
 * throttling, a queue send that kept failing, Lambda's own service errors.
 */
const RETRYABLE = [
  'TransientDependencyError',
  'TransactionContentionError',
  'EnqueueFailed',
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
];

function withRetries<T extends tasks.LambdaInvoke>(task: T): T {
  task.addRetry({
    errors: RETRYABLE,
    interval: Duration.seconds(2),
    maxAttempts: 5,
    backoffRate: 2,
    maxDelay: Duration.minutes(2),
    jitterStrategy: sfn.JitterType.FULL,
  });
  return task;
}

/**
 * A journey's launch (Standard, JSONPath only), started by POST /v1/journeys:
 *
 *   LaunchSegments (inline Map over parallel-scan segments) → FinishLaunch
 *   in each iteration: LaunchSegment → SegmentState? → more: LaunchSegment again;
 *                      held (journey paused): HoldWhilePaused (Wait) → LaunchSegment; done: SegmentLaunched
 *   any failure after the retries: RecordLaunchFailure (onto the journey item) → LaunchFailed
 *
 * Each segment's cursor and counts live in DynamoDB, checkpointed after every page, so a retried
 * task and a next attempt (a launch request for a failed launch) both go on from where the
 * segment stood, and a page done again enrolls nobody twice. About 3 transitions per segment
 * invocation: a launch costs tens of transitions, not one per user.
 */
export class JourneyLaunchWorkflow extends Construct {
  readonly stateMachine: sfn.StateMachine;

  constructor(scope: Construct, id: string, props: JourneyLaunchProps) {
    super(scope, id);

    const launchSegment = withRetries(
      new tasks.LambdaInvoke(this, 'LaunchSegment', {
        lambdaFunction: props.launchSegment,
        payloadResponseOnly: true,
        payload: sfn.TaskInput.fromObject({
          journeyId: sfn.JsonPath.stringAt('$.journeyId'),
          segment: sfn.JsonPath.numberAt('$.segment'),
          totalSegments: sfn.JsonPath.numberAt('$.totalSegments'),
        }),
        retryOnServiceExceptions: false,
        comment: 'Selects, enrolls (only if absent) and queues one scan segment from its stored cursor',
      }),
    );
    const holdWhilePaused = new sfn.Wait(this, 'HoldWhilePaused', { time: sfn.WaitTime.duration(Duration.seconds(PAUSED_RECHECK_SECONDS)) });
    holdWhilePaused.next(launchSegment);
    const segmentState = new sfn.Choice(this, 'SegmentState?')
      .when(sfn.Condition.stringEquals('$.state', 'more'), launchSegment)
      .when(sfn.Condition.stringEquals('$.state', 'held'), holdWhilePaused)
      .otherwise(new sfn.Succeed(this, 'SegmentLaunched'));
    launchSegment.next(segmentState);

    const launchSegments = new sfn.Map(this, 'LaunchSegments', {
      itemsPath: '$.segments',
      maxConcurrency: props.maxConcurrency,
      itemSelector: { 'journeyId.$': '$.journeyId', 'segment.$': '$$.Map.Item.Value', 'totalSegments.$': '$.totalSegments' },
      resultPath: sfn.JsonPath.DISCARD,
    });
    launchSegments.itemProcessor(launchSegment);

    const finishLaunch = withRetries(
      new tasks.LambdaInvoke(this, 'FinishLaunch', {
        lambdaFunction: props.finishLaunch,
        payloadResponseOnly: true,
        payload: sfn.TaskInput.fromObject({ journeyId: sfn.JsonPath.stringAt('$.journeyId') }),
        retryOnServiceExceptions: false,
        comment: 'Records the launch counts; launching → running',
      }),
    );

    const recordFailure = new tasks.DynamoUpdateItem(this, 'RecordLaunchFailure', {
      table: props.operationsTable,
      key: {
        pk: tasks.DynamoAttributeValue.fromString(sfn.JsonPath.format(journeyKeys.stateKey(FILLED_IN).pk, sfn.JsonPath.stringAt('$.journeyId'))),
        sk: tasks.DynamoAttributeValue.fromString(journeyKeys.stateKey(FILLED_IN).sk),
      },
      updateExpression: 'SET launchFailure = :failure',
      expressionAttributeValues: {
        ':failure': tasks.DynamoAttributeValue.fromMap({
          error: tasks.DynamoAttributeValue.fromString(sfn.JsonPath.stringAt('$.failure.Error')),
          cause: tasks.DynamoAttributeValue.fromString(sfn.JsonPath.stringAt('$.failure.Cause')),
        }),
      },
      resultPath: sfn.JsonPath.DISCARD,
    });
    recordFailure.next(
      new sfn.Fail(this, 'LaunchFailed', {
        error: 'JourneyLaunchFailed',
        cause: 'a launch task failed after its retries; the journey item holds launchFailure, and a launch request resumes it',
      }),
    );
    launchSegments.addCatch(recordFailure, { errors: ['States.ALL'], resultPath: '$.failure' });
    finishLaunch.addCatch(recordFailure, { errors: ['States.ALL'], resultPath: '$.failure' });

    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromChainable(launchSegments.next(finishLaunch)),
      // A paused launch holds; a month is the longest a launch is kept waiting.
      timeout: Duration.days(30),
      tracingEnabled: true,
      logs: {
        destination: new logs.LogGroup(this, 'Logs', { retention: logs.RetentionDays.THREE_MONTHS }),
        level: sfn.LogLevel.ALL,
        includeExecutionData: false,
      },
      comment: 'Rekindle journey launch: audience selection over scan segments, enrollments, queued starts',
    });
  }
}
