import { Duration } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { journeyKeys } from '../shared/adapters/journeys/journey-keys';
import { LAMBDA_SERVICE_ERRORS, TRANSIENT_DEPENDENCY_ERRORS } from './task-errors';

/** The placeholder `States.Format` fills in: the key layout is written once, in journey-keys.ts. */
const FILLED_IN = '{}';

export interface JourneyLaunchProps {
  /**
   * Selects, enrolls and queues one scan segment from its cursor; answers the segment's state. In
   * `count` mode: counts the segment as the launch would select it, enrolling nobody.
   */
  launchSegment: lambda.IFunction;
  /** Records the launch's counts and moves the journey from launching to running (`launch` mode only). */
  finishLaunch?: lambda.IFunction;
  /** Where RecordLaunchFailure writes the failure onto the journey item (or the count item). */
  operationsTable: dynamodb.ITable;
  /** Segments launched at once (the Map's MaxConcurrency). */
  maxConcurrency: number;
  /**
   * `launch` (the default): a journey's launch, input `{ journeyId, segments, totalSegments }`.
   * `count`: the exact preview, the same selection counted without enrolling, input
   * `{ countId, segments, totalSegments }`; the count is read from its segments' checkpoints, so
   * there is no finishing step.
   */
  mode?: 'launch' | 'count';
}

/** What each mode names its states and its id, and where a failure is written. */
const MODES = {
  launch: { id: 'journeyId', task: 'LaunchSegment', verb: 'launch', failureKey: journeyKeys.stateKey(FILLED_IN) },
  count: { id: 'countId', task: 'CountSegment', verb: 'count', failureKey: journeyKeys.countKey(FILLED_IN) },
} as const;

/** Seconds a segment waits before looking again while its journey is paused. */
const PAUSED_RECHECK_SECONDS = 900;

/**
 * Errors a launch task is retried on: transient dependency failures, contended transactions,
 * throttling, a queue send that kept failing, Lambda's own service errors.
 */
const RETRYABLE = [...TRANSIENT_DEPENDENCY_ERRORS, 'TransactionContentionError', 'EnqueueFailed', ...LAMBDA_SERVICE_ERRORS];

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
 * The same machine in `count` mode is the exact preview: CountSegments over the same segments,
 * each CountSegment counting its pages as the launch selects them, no FinishLaunch (the count is
 * read from its checkpoints), a failure recorded on the count item (RecordCountFailure → CountFailed).
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

    const mode = MODES[props.mode ?? 'launch'];
    const idPath = `$.${mode.id}`;
    const launchSegment = withRetries(
      new tasks.LambdaInvoke(this, mode.task, {
        lambdaFunction: props.launchSegment,
        payloadResponseOnly: true,
        payload: sfn.TaskInput.fromObject({
          [mode.id]: sfn.JsonPath.stringAt(idPath),
          segment: sfn.JsonPath.numberAt('$.segment'),
          totalSegments: sfn.JsonPath.numberAt('$.totalSegments'),
        }),
        retryOnServiceExceptions: false,
        comment:
          mode.verb === 'launch'
            ? 'Selects, enrolls (only if absent) and queues one scan segment from its stored cursor'
            : 'Counts one scan segment as the launch selects it, from its stored cursor; enrolls nobody',
      }),
    );
    const holdWhilePaused = new sfn.Wait(this, 'HoldWhilePaused', { time: sfn.WaitTime.duration(Duration.seconds(PAUSED_RECHECK_SECONDS)) });
    holdWhilePaused.next(launchSegment);
    const segmentState = new sfn.Choice(this, 'SegmentState?')
      .when(sfn.Condition.stringEquals('$.state', 'more'), launchSegment)
      .when(sfn.Condition.stringEquals('$.state', 'held'), holdWhilePaused)
      .otherwise(new sfn.Succeed(this, mode.verb === 'launch' ? 'SegmentLaunched' : 'SegmentCounted'));
    launchSegment.next(segmentState);

    const launchSegments = new sfn.Map(this, mode.verb === 'launch' ? 'LaunchSegments' : 'CountSegments', {
      itemsPath: '$.segments',
      maxConcurrency: props.maxConcurrency,
      itemSelector: { [`${mode.id}.$`]: idPath, 'segment.$': '$$.Map.Item.Value', 'totalSegments.$': '$.totalSegments' },
      resultPath: sfn.JsonPath.DISCARD,
    });
    launchSegments.itemProcessor(launchSegment);

    const recordFailure = new tasks.DynamoUpdateItem(this, mode.verb === 'launch' ? 'RecordLaunchFailure' : 'RecordCountFailure', {
      table: props.operationsTable,
      key: {
        pk: tasks.DynamoAttributeValue.fromString(sfn.JsonPath.format(mode.failureKey.pk, sfn.JsonPath.stringAt(idPath))),
        sk: tasks.DynamoAttributeValue.fromString(mode.failureKey.sk),
      },
      updateExpression: mode.verb === 'launch' ? 'SET launchFailure = :failure' : 'SET failure = :failure',
      expressionAttributeValues: {
        ':failure': tasks.DynamoAttributeValue.fromMap({
          error: tasks.DynamoAttributeValue.fromString(sfn.JsonPath.stringAt('$.failure.Error')),
          cause: tasks.DynamoAttributeValue.fromString(sfn.JsonPath.stringAt('$.failure.Cause')),
        }),
      },
      resultPath: sfn.JsonPath.DISCARD,
    });
    recordFailure.next(
      mode.verb === 'launch'
        ? new sfn.Fail(this, 'LaunchFailed', {
            error: 'JourneyLaunchFailed',
            cause: 'a launch task failed after its retries; the journey item holds launchFailure, and a launch request resumes it',
          })
        : new sfn.Fail(this, 'CountFailed', {
            error: 'AudienceCountFailed',
            cause: 'a count task failed after its retries; the count item holds the failure, and a new preview request counts again',
          }),
    );
    launchSegments.addCatch(recordFailure, { errors: ['States.ALL'], resultPath: '$.failure' });

    let definition: sfn.IChainable = launchSegments;
    if (mode.verb === 'launch') {
      if (!props.finishLaunch) throw new Error('a launch workflow needs its finishLaunch function');
      const finishLaunch = withRetries(
        new tasks.LambdaInvoke(this, 'FinishLaunch', {
          lambdaFunction: props.finishLaunch,
          payloadResponseOnly: true,
          payload: sfn.TaskInput.fromObject({ journeyId: sfn.JsonPath.stringAt('$.journeyId') }),
          retryOnServiceExceptions: false,
          comment: 'Records the launch counts; launching → running',
        }),
      );
      finishLaunch.addCatch(recordFailure, { errors: ['States.ALL'], resultPath: '$.failure' });
      definition = launchSegments.next(finishLaunch);
    }

    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromChainable(definition),
      // A paused launch holds; a month is the longest a launch is kept waiting. A count never holds.
      timeout: mode.verb === 'launch' ? Duration.days(30) : Duration.hours(6),
      tracingEnabled: true,
      logs: {
        destination: new logs.LogGroup(this, 'Logs', { retention: logs.RetentionDays.THREE_MONTHS }),
        level: sfn.LogLevel.ALL,
        includeExecutionData: false,
      },
      comment:
        mode.verb === 'launch'
          ? 'Rekindle journey launch: audience selection over scan segments, enrollments, queued starts'
          : 'Rekindle exact audience count: the launch selection over scan segments, counted, nobody enrolled',
    });
  }
}
