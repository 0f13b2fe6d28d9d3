import { Duration } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';

export interface CheckinProgramsProps {
  sweepShard: lambda.IFunction;
  summarizeRun: lambda.IFunction;
  /** How many wake-index shards there are (the Map's items: 0 … wakeShards − 1). */
  wakeShards: number;
  /** Shards swept at once (the Map's MaxConcurrency). */
  maxConcurrency: number;
  /** Due programs one SweepShard invocation takes before it hands back a cursor. */
  maxProgramsPerInvocation: number;
}

/**
 * Errors a check-in task is retried on, with jitter: transient dependency failures named by the
 * handlers, and Lambda throttling (the CDK's own retrier covers Lambda's service errors).
 */
const RETRYABLE = ['TransientDependencyError', 'Lambda.TooManyRequestsException'];

function withRetries<T extends tasks.LambdaInvoke>(task: T): T {
  task.addRetry({ errors: RETRYABLE, interval: Duration.seconds(2), maxAttempts: 4, backoffRate: 2, jitterStrategy: sfn.JitterType.FULL });
  return task;
}

/**
 * The check-in programs' orchestration (Standard, JSONPath only), started every 15 minutes by a
 * schedule:
 *
 *   LimitGiven? → (DefaultLimit | GivenLimit) → SweepShards (inline Map over the wake-index shards) → Summarize
 *   in each iteration (no cursor at first): SweepShard → ShardDone? → (cursor left: SweepShard again) → ShardSwept
 *
 * One short execution per run, whatever the number of enrolled users (about 52 transitions with
 * 16 shards, plus 2 per extra page of `maxProgramsPerInvocation` due programs), so the account's
 * 1,000,000 open executions are never approached. Every shard of a run reads the index up to the
 * execution's start time. An execution input `{ "maxProgramsPerInvocation": n }` overrides the
 * page size (tests use it to exercise cursors).
 */
export class CheckinProgramsWorkflow extends Construct {
  readonly stateMachine: sfn.StateMachine;

  constructor(scope: Construct, id: string, props: CheckinProgramsProps) {
    super(scope, id);
    const shards = Array.from({ length: props.wakeShards }, (_, shard) => shard);
    const run = (limit: string | number) => ({
      runId: sfn.JsonPath.executionName,
      now: sfn.JsonPath.executionStartTime,
      shards,
      ...(typeof limit === 'number' ? { maxProgramsPerInvocation: limit } : { 'maxProgramsPerInvocation.$': limit }),
    });
    const defaultLimit = new sfn.Pass(this, 'DefaultLimit', { parameters: run(props.maxProgramsPerInvocation) });
    const givenLimit = new sfn.Pass(this, 'GivenLimit', { parameters: run('$.maxProgramsPerInvocation') });
    const limitGiven = new sfn.Choice(this, 'LimitGiven?').when(sfn.Condition.isPresent('$.maxProgramsPerInvocation'), givenLimit).otherwise(defaultLimit);

    const sweepShard = withRetries(
      new tasks.LambdaInvoke(this, 'SweepShard', {
        lambdaFunction: props.sweepShard,
        payloadResponseOnly: true,
        comment: 'One page of one shard: remind, end impossible programs with a summary, move wake-ups',
      }),
    );
    const shardSwept = new sfn.Pass(this, 'ShardSwept', { parameters: { 'shard.$': '$.shard', 'invocations.$': '$.invocations', 'counts.$': '$.counts' } });
    const shardDone = new sfn.Choice(this, 'ShardDone?').when(sfn.Condition.isNull('$.cursor'), shardSwept).otherwise(sweepShard);
    sweepShard.next(shardDone);

    const sweepShards = new sfn.Map(this, 'SweepShards', {
      itemsPath: '$.shards',
      maxConcurrency: props.maxConcurrency,
      itemSelector: {
        'runId.$': '$.runId',
        'now.$': '$.now',
        'shard.$': '$$.Map.Item.Value',
        'maxProgramsPerInvocation.$': '$.maxProgramsPerInvocation',
      },
      resultPath: '$.shardResults',
    });
    sweepShards.itemProcessor(sweepShard);

    const summarize = withRetries(
      new tasks.LambdaInvoke(this, 'Summarize', {
        lambdaFunction: props.summarizeRun,
        payloadResponseOnly: true,
        payload: sfn.TaskInput.fromObject({
          runId: sfn.JsonPath.stringAt('$.runId'),
          now: sfn.JsonPath.stringAt('$.now'),
          shards: sfn.JsonPath.listAt('$.shardResults'),
        }),
        comment: 'Releases coupons queued for this month; the run summary is the execution output',
      }),
    );
    defaultLimit.next(sweepShards);
    givenLimit.next(sweepShards);
    sweepShards.next(summarize);

    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromChainable(limitGiven),
      timeout: Duration.hours(1),
      tracingEnabled: true,
      logs: {
        destination: new logs.LogGroup(this, 'Logs', { retention: logs.RetentionDays.THREE_MONTHS }),
        level: sfn.LogLevel.ALL,
        includeExecutionData: false,
      },
      comment: 'Rekindle check-in programs: reminders on missed days, ends of impossible programs, queued coupons',
    });
  }
}
