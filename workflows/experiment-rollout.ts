import { Duration } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { LAMBDA_SERVICE_ERRORS, TRANSIENT_DEPENDENCY_ERRORS } from './task-errors';

export interface ExperimentRolloutProps {
  /** The one function of every task (the payload's `task` names which). */
  tasks: lambda.IFunction;
  /** Where the executions log (the task function's own group: the stack is near its resource limit). */
  logGroup: logs.ILogGroup;
}

/** Errors a task is retried on: transient dependency failures, throttling, a queue send that kept failing, Lambda's own. */
const RETRYABLE = [...TRANSIENT_DEPENDENCY_ERRORS, 'EnqueueFailed', ...LAMBDA_SERVICE_ERRORS];

/**
 * The hourly evaluation of experiments (Standard, JSONPath only), started by the schedule:
 *
 *   Plan → Journeys (inline Map over the journeys to evaluate, two at once):
 *     Tally? → TallyShards (inline Map over member shards: TallyPage → TallyDone? → TallyPage … page by page)
 *     → Decide (tallies added up and stored as the journey's snapshot; halt, advance or wait)
 *     → Queueing? → QueueShards (inline Map over member shards: QueuePage → QueueDone? …) → Commit
 *
 * Every task reads at most one page of one shard (`experimentsPageSize` members, 1,000 by
 * default; a queue page twice as many), so no invocation grows with the population: about 2
 * transitions per page, 3 N / 1,000 + 20 an hour for a journey of N members while its rollout expands.
 */
export class ExperimentRolloutWorkflow extends Construct {
  readonly stateMachine: sfn.StateMachine;

  constructor(scope: Construct, id: string, props: ExperimentRolloutProps) {
    super(scope, id);
    /** A task of the one function; `payload` undefined: the state as it stands (a page loop's input carries its own `task`). */
    const task = (name: string, taskName: string, payload: Record<string, unknown> | undefined, comment: string, resultPath?: string) => {
      const invoke = new tasks.LambdaInvoke(this, name, {
        lambdaFunction: props.tasks,
        payloadResponseOnly: true,
        ...(payload === undefined ? {} : { payload: sfn.TaskInput.fromObject({ task: taskName, ...payload }) }),
        retryOnServiceExceptions: false,
        ...(resultPath === undefined ? {} : { resultPath }),
        comment,
      });
      invoke.addRetry({
        errors: RETRYABLE,
        interval: Duration.seconds(2),
        maxAttempts: 5,
        backoffRate: 2,
        maxDelay: Duration.minutes(1),
        jitterStrategy: sfn.JitterType.FULL,
      });
      return invoke;
    };

    const tallyPage = task('TallyPage', 'tally-page', undefined, 'One page of one shard: the members of the stages begun read and added to the shard tally');
    tallyPage.next(
      new sfn.Choice(this, 'TallyDone?').when(sfn.Condition.booleanEquals('$.done', false), tallyPage).otherwise(new sfn.Succeed(this, 'ShardTallied')),
    );
    const tallyShards = new sfn.Map(this, 'TallyShards', {
      itemsPath: '$.shards',
      maxConcurrency: 4,
      itemSelector: { task: 'tally-page', 'evaluation.$': '$.evaluation', 'shard.$': '$$.Map.Item.Value' },
      resultSelector: { 'tallies.$': '$[*].tally' },
      resultPath: '$.tallied',
    });
    tallyShards.itemProcessor(tallyPage);

    const decide = task(
      'Decide',
      'decide',
      { 'evaluation.$': '$.evaluation', 'tallies.$': '$.tallied.tallies' },
      'The tallies added up and stored (the report reads them); the rollout halts, advances or waits',
      '$.decided',
    );

    const queuePage = task('QueuePage', 'queue-page', undefined, 'One page of one shard: the treated members the decision admits queued for the starter');
    queuePage.next(
      new sfn.Choice(this, 'QueueDone?').when(sfn.Condition.booleanEquals('$.done', false), queuePage).otherwise(new sfn.Succeed(this, 'ShardQueued')),
    );
    const queueShards = new sfn.Map(this, 'QueueShards', {
      itemsPath: '$.shards',
      maxConcurrency: 4,
      itemSelector: { task: 'queue-page', 'journeyId.$': '$.evaluation.journeyId', 'shard.$': '$$.Map.Item.Value', 'window.$': '$.decided.queue.window' },
      resultPath: sfn.JsonPath.DISCARD,
    });
    queueShards.itemProcessor(queuePage);
    const commit = task(
      'Commit',
      'commit',
      { 'state.$': '$.decided.queue.state', 'expectedHistory.$': '$.decided.queue.expectedHistory' },
      'The decided rollout state written, unless another evaluation moved it',
      sfn.JsonPath.DISCARD,
    );
    const evaluated = new sfn.Succeed(this, 'JourneyEvaluated');
    const noTally = new sfn.Pass(this, 'NoTally', { result: sfn.Result.fromObject({ tallies: [] }), resultPath: '$.tallied' });
    const evaluateJourney = new sfn.Choice(this, 'Tally?')
      .when(sfn.Condition.booleanEquals('$.evaluation.tally', true), tallyShards)
      .otherwise(noTally)
      .afterwards()
      .next(decide)
      .next(
        new sfn.Choice(this, 'Queueing?')
          .when(sfn.Condition.booleanEquals('$.decided.queueing', true), queueShards.next(commit).next(evaluated))
          .otherwise(evaluated),
      );

    const plan = task('Plan', 'plan', {}, 'The journeys to evaluate this hour and the member shards');
    const journeys = new sfn.Map(this, 'Journeys', {
      itemsPath: '$.evaluations',
      maxConcurrency: 2,
      itemSelector: { 'evaluation.$': '$$.Map.Item.Value', 'shards.$': '$.shards' },
      resultPath: sfn.JsonPath.DISCARD,
    });
    journeys.itemProcessor(evaluateJourney);

    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromChainable(plan.next(journeys).next(new sfn.Succeed(this, 'Evaluated'))),
      // The next hour's evaluation starts at the latest then.
      timeout: Duration.minutes(55),
      tracingEnabled: true,
      logs: {
        destination: props.logGroup,
        level: sfn.LogLevel.ALL,
        includeExecutionData: false,
      },
      comment: 'Rekindle experiments: hourly tally of each experiment journey page by page, rollout decision, admitted members queued',
    });
  }
}
