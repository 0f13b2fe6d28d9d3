import { Duration } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { TRANSIENT_DEPENDENCY_ERRORS } from './task-errors';

export interface NightlyScoringProps {
  prepareRun: lambda.IFunction;
  scoreSegment: lambda.IFunction;
  summarizeRun: lambda.IFunction;
  /** Segments scored at once (the Map's MaxConcurrency). */
  maxConcurrency: number;
}

/**
 * Errors a scoring task may be retried on: batches that stayed unprocessed, and transient
 * dependency failures (timeouts, dropped connections, 5xx, throttling) named by the handlers.
 */
const RETRYABLE = ['UnprocessedItemsError', 'TierEventsNotPublishedError', ...TRANSIENT_DEPENDENCY_ERRORS];

function withRetries<T extends tasks.LambdaInvoke>(task: T): T {
  task.addRetry({ errors: RETRYABLE, interval: Duration.seconds(2), maxAttempts: 4, backoffRate: 2, jitterStrategy: sfn.JitterType.FULL });
  return task;
}

/**
 * The nightly scoring workflow (Standard, JSONPath only):
 *
 *   PrepareRun → ScoreSegments (inline Map over scan segments) → Summarize
 *   in each iteration: ScoreSegment → SegmentDone? → (cursor left: ScoreSegment again) → SegmentScored
 *
 * A segment is scanned inside its Lambda, page after page; when the invocation nears its timeout it
 * returns a cursor and the iteration loops, so a segment of any size fits (10M users in 8 segments
 * is ~1.25M users each: a few invocations per segment, 2 transitions each).
 */
export class NightlyScoringWorkflow extends Construct {
  readonly stateMachine: sfn.StateMachine;

  constructor(scope: Construct, id: string, props: NightlyScoringProps) {
    super(scope, id);

    const prepare = withRetries(
      new tasks.LambdaInvoke(this, 'PrepareRun', {
        lambdaFunction: props.prepareRun,
        payloadResponseOnly: true,
        payload: sfn.TaskInput.fromObject({
          runId: sfn.JsonPath.executionName,
          startedAt: sfn.JsonPath.executionStartTime,
          input: sfn.JsonPath.entirePayload,
        }),
        comment: 'Run date, model parameters (refitted when due), sample cut points, segments',
      }),
    );

    const scoreSegment = withRetries(
      new tasks.LambdaInvoke(this, 'ScoreSegment', {
        lambdaFunction: props.scoreSegment,
        payloadResponseOnly: true,
        comment: 'Scans one segment (or resumes it), scores, writes what changed, emits TierChanged',
      }),
    );
    const segmentScored = new sfn.Pass(this, 'SegmentScored', {
      parameters: { 'segment.$': '$.segment', 'counts.$': '$.counts', 'memoryMb.$': '$.memoryMb' },
    });
    const segmentDone = new sfn.Choice(this, 'SegmentDone?').when(sfn.Condition.isNull('$.cursor'), segmentScored).otherwise(scoreSegment);
    scoreSegment.next(segmentDone);

    const scoreSegments = new sfn.Map(this, 'ScoreSegments', {
      itemsPath: '$.segments',
      maxConcurrency: props.maxConcurrency,
      itemSelector: {
        'runId.$': '$.runId',
        'date.$': '$.date',
        'segment.$': '$$.Map.Item.Value',
        'totalSegments.$': '$.totalSegments',
        'params.$': '$.params',
        'reference.$': '$.reference',
        'maxUsersPerInvocation.$': '$.maxUsersPerInvocation',
      },
      resultPath: '$.segmentResults',
    });
    scoreSegments.itemProcessor(scoreSegment);

    const summarize = withRetries(
      new tasks.LambdaInvoke(this, 'Summarize', {
        lambdaFunction: props.summarizeRun,
        payloadResponseOnly: true,
        payload: sfn.TaskInput.fromObject({
          prepared: sfn.JsonPath.entirePayload,
          segments: sfn.JsonPath.listAt('$.segmentResults'),
        }),
        comment: 'Totals, transitions, duration; stores the run summary',
      }),
    );

    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromChainable(prepare.next(scoreSegments).next(summarize)),
      timeout: Duration.hours(3),
      tracingEnabled: true,
      logs: {
        destination: new logs.LogGroup(this, 'Logs', { retention: logs.RetentionDays.THREE_MONTHS }),
        level: sfn.LogLevel.ALL,
        includeExecutionData: false,
      },
      comment: 'Rekindle nightly scoring: every user scored, only changes written, tier changes emitted',
    });
  }
}
