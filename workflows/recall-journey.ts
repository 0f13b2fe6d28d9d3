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

export interface RecallJourneyProps {
  /** The CheckExitAndSend Lambda: takes the execution state, returns the next cursor. */
  checkExitAndSend: lambda.IFunction;
  /** Where RecordFailure writes the failure record (pk USER#id, sk JOURNEY#<journeyId>#FAILURE). */
  usersTable: dynamodb.ITable;
}

/**
 * One user's recall journey, in the shape shared/domain/journeys/transition-budget.ts documents:
 *
 *   WaitForStep (Wait, $.cursor.waitSeconds) → CheckExitAndSend (Lambda, ResultPath $.cursor,
 *   Retry with backoff + jitter, Catch → RecordFailure → Failed) → MoreSteps (Choice:
 *   continue → WaitForStep, else Done)
 *
 * 3 transitions per plan step + 1: a four-send journey costs 13 per enrolled user. JSONPath only.
 * RecordFailure is a direct DynamoDB integration, not a Lambda that only writes one item.
 */
export class RecallJourneyWorkflow extends Construct {
  readonly stateMachine: sfn.StateMachine;

  constructor(scope: Construct, id: string, props: RecallJourneyProps) {
    super(scope, id);

    const waitForStep = new sfn.Wait(this, 'WaitForStep', { time: sfn.WaitTime.secondsPath('$.cursor.waitSeconds') });

    const checkExitAndSend = new tasks.LambdaInvoke(this, 'CheckExitAndSend', {
      lambdaFunction: props.checkExitAndSend,
      payloadResponseOnly: true,
      // The whole state (plan, user, enrollment, cursor and the entry number when there is one: a
      // path to an absent field would fail the state) and the execution's own name.
      payload: sfn.TaskInput.fromObject({
        execution: sfn.JsonPath.objectAt('$'),
        executionName: sfn.JsonPath.stringAt('$$.Execution.Name'),
      }),
      resultPath: '$.cursor',
      retryOnServiceExceptions: false,
    });
    checkExitAndSend.addRetry({
      errors: [
        'JourneyStepRetryable',
        'TransientDependencyError',
        'Lambda.ServiceException',
        'Lambda.AWSLambdaException',
        'Lambda.SdkClientException',
        'Lambda.TooManyRequestsException',
        'ProvisionedThroughputExceededException',
        'ThrottlingException',
        'States.Timeout',
      ],
      interval: Duration.seconds(5),
      backoffRate: 3,
      maxAttempts: 4,
      maxDelay: Duration.minutes(10),
      jitterStrategy: sfn.JitterType.FULL,
    });

    const recordFailure = new tasks.DynamoPutItem(this, 'RecordFailure', {
      table: props.usersTable,
      item: {
        pk: tasks.DynamoAttributeValue.fromString(sfn.JsonPath.format(journeyKeys.userPk(FILLED_IN), sfn.JsonPath.stringAt('$.userId'))),
        sk: tasks.DynamoAttributeValue.fromString(sfn.JsonPath.format(journeyKeys.failureSk(FILLED_IN), sfn.JsonPath.stringAt('$.journeyId'))),
        journeyId: tasks.DynamoAttributeValue.fromString(sfn.JsonPath.stringAt('$.journeyId')),
        error: tasks.DynamoAttributeValue.fromString(sfn.JsonPath.stringAt('$.failure.Error')),
        cause: tasks.DynamoAttributeValue.fromString(sfn.JsonPath.stringAt('$.failure.Cause')),
      },
      resultPath: sfn.JsonPath.DISCARD,
    });
    recordFailure.next(
      new sfn.Fail(this, 'Failed', { error: 'JourneyStepFailed', cause: 'CheckExitAndSend failed after its retries; see the FAILURE record under the user' }),
    );
    checkExitAndSend.addCatch(recordFailure, { errors: ['States.ALL'], resultPath: '$.failure' });

    // A branch: the task read the fact, this Choice tests it; each rule first checks which test it
    // is, and each kind of fact has its own typed field, so no rule compares the wrong types.
    const takeThen = new sfn.Pass(this, 'TakeThen', { inputPath: '$.cursor.then', resultPath: '$.cursor' }).next(waitForStep);
    const takeElse = new sfn.Pass(this, 'TakeElse', { inputPath: '$.cursor.else', resultPath: '$.cursor' }).next(waitForStep);
    const isTest = (test: string) => sfn.Condition.stringEquals('$.cursor.test', test);
    const branch = new sfn.Choice(this, 'Branch')
      .when(sfn.Condition.and(isTest('equals'), sfn.Condition.stringEqualsJsonPath('$.cursor.text', '$.cursor.textValue')), takeThen)
      .when(sfn.Condition.and(isTest('at-least'), sfn.Condition.numberGreaterThanEqualsJsonPath('$.cursor.number', '$.cursor.numberValue')), takeThen)
      .when(sfn.Condition.and(isTest('below'), sfn.Condition.numberLessThanJsonPath('$.cursor.number', '$.cursor.numberValue')), takeThen)
      .when(sfn.Condition.and(isTest('happened'), sfn.Condition.booleanEquals('$.cursor.happened', true)), takeThen)
      .otherwise(takeElse);

    const moreSteps = new sfn.Choice(this, 'MoreSteps')
      .when(sfn.Condition.stringEquals('$.cursor.status', 'continue'), waitForStep)
      .when(sfn.Condition.stringEquals('$.cursor.status', 'branch'), branch)
      .otherwise(new sfn.Succeed(this, 'Done'));

    const logGroup = new logs.LogGroup(this, 'Logs', { retention: logs.RetentionDays.ONE_MONTH });
    this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineType: sfn.StateMachineType.STANDARD,
      comment: 'Rekindle journey (recall and lifecycle): one execution per enrolled user and entry',
      definitionBody: sfn.DefinitionBody.fromChainable(waitForStep.next(checkExitAndSend).next(moreSteps)),
      // Longest journey (180 days) plus holds and grace.
      timeout: Duration.days(200),
      tracingEnabled: true,
      logs: { destination: logGroup, level: sfn.LogLevel.ALL, includeExecutionData: false },
    });
  }
}
