import { Duration } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';

export interface DailyHealthProps {
  computeDay: lambda.IFunction;
}

/** Errors of a dependency that a later attempt may not meet (named by the handlers). */
const TRANSIENT = ['TransientDependencyError', 'ProvisionedThroughputExceededException', 'ThrottlingException', 'RequestLimitExceeded'];

/**
 * The daily health workflow (Standard, JSONPath only):
 *
 *   ComputeDay (tallies of the night's scan → series point, alerts once, STOP) → Done
 *
 * The users are not read here: the nightly scan folded them. If that scan has not finished when
 * the schedule fires, the task answers HealthTalliesNotReadyError and is retried every 10 minutes
 * for up to 3 hours. 2 state transitions a day, whatever the population.
 */
export class DailyHealthWorkflow extends Construct {
  readonly stateMachine: sfn.StateMachine;

  constructor(scope: Construct, id: string, props: DailyHealthProps) {
    super(scope, id);
    const computeDay = new tasks.LambdaInvoke(this, 'ComputeDay', {
      lambdaFunction: props.computeDay,
      payloadResponseOnly: true,
      payload: sfn.TaskInput.fromObject({ 'day.$': '$.day', 'scheduledTime.$': '$.scheduledTime' }),
      comment: 'The day from the nightly scan tallies: stored, alerts raised once, STOP when due',
    });
    computeDay.addRetry({ errors: TRANSIENT, interval: Duration.seconds(2), maxAttempts: 5, backoffRate: 2, jitterStrategy: sfn.JitterType.FULL });
    computeDay.addRetry({
      errors: ['HealthTalliesNotReadyError'],
      interval: Duration.minutes(10),
      maxAttempts: 18,
      backoffRate: 1,
      jitterStrategy: sfn.JitterType.FULL,
    });

    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody: sfn.DefinitionBody.fromChainable(computeDay.next(new sfn.Succeed(this, 'Done'))),
      timeout: Duration.hours(4),
      tracingEnabled: true,
      logs: {
        destination: new logs.LogGroup(this, 'Logs', { retention: logs.RetentionDays.THREE_MONTHS }),
        level: sfn.LogLevel.ALL,
        includeExecutionData: false,
      },
      comment: 'Rekindle daily product health: metrics, alerts and the STOP flow',
    });
  }
}
