import { Duration, TimeZone } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import cdkNag from 'cdk-nag';
import { HEALTH_ENV } from '../../shared/adapters/health/health-config';
import { ENV } from '../../shared/config/tables';
import { DailyHealthWorkflow } from '../../workflows/daily-health';
import { RekindleFunction } from '../constructs/rekindle-function';
import type { FeatureContext } from './feature-context';

// cdk-nag is CommonJS built by jsii; its named exports are not visible to ESM importers.
const { NagSuppressions } = cdkNag;

export interface HealthFeatureProps {
  alarmTopic: sns.ITopic;
  /** The nightly scoring feature: its segment task folds the health tallies in the same scan. */
  scoring: Construct;
}

/**
 * Product health: the nightly scan's segments fold the day's tallies; EventBridge Scheduler starts
 * the daily workflow in the reporting zone, which stores the day, raises alerts to the alarm topic
 * and runs STOP; the API lists days, cohorts, features, alerts and incidents, and resumes one; a
 * CloudWatch dashboard and alarms read the same figures (EMF).
 */
export class HealthFeature extends Construct {
  constructor(scope: Construct, id: string, context: FeatureContext, props: HealthFeatureProps) {
    super(scope, id);
    const { data, settings } = context;
    const environment = {
      [HEALTH_ENV.timeZone]: settings.healthTimezone,
      [HEALTH_ENV.coreFeatures]: settings.scoringCoreFeatures,
      [HEALTH_ENV.benchmarks]: JSON.stringify(settings.healthBenchmarks),
      [HEALTH_ENV.cohortWeeks]: String(settings.healthCohortWeeks),
      [HEALTH_ENV.thresholds]: JSON.stringify(settings.healthThresholds),
    };

    // The scoring segment task writes the tally chunks (it has the operations table already).
    const scoreSegment = props.scoring.node.findChild('ScoringScoreSegment');
    if (!(scoreSegment instanceof lambda.Function)) throw new Error('the scoring feature has no ScoringScoreSegment function');
    for (const [name, value] of Object.entries(environment)) scoreSegment.addEnvironment(name, value);

    const computeDay = new RekindleFunction(this, 'HealthComputeDay', {
      entry: 'functions/health-compute-day/handler.ts',
      description: 'Daily health: the day from the nightly scan tallies, alerts and STOP',
      memorySize: 512,
      timeout: Duration.minutes(2),
      environment: { ...environment, [HEALTH_ENV.alarmTopicArn]: props.alarmTopic.topicArn },
    }).useTable(data.operationsTable, ENV.operationsTable, 'readWrite');
    props.alarmTopic.grantPublish(computeDay);

    const workflow = new DailyHealthWorkflow(this, 'DailyHealth', { computeDay });
    NagSuppressions.addResourceSuppressions(
      workflow.stateMachine.role,
      [
        {
          id: 'AwsSolutions-IAM5',
          reason:
            'The daily health state machine may invoke every version of its one ComputeDay function (<function arn>:*), the grant CDK writes for a Lambda task.',
          appliesTo: [{ regex: '/^Resource::<HealthHealthComputeDay[A-Z0-9]+\\.Arn>:\\*$/g' }],
        },
      ],
      true,
    );
    new scheduler.Schedule(this, 'DailyHealthSchedule', {
      description: 'Computes the product health of the day that just ended in the reporting zone',
      schedule: scheduler.ScheduleExpression.expression(settings.healthSchedule, TimeZone.of(settings.healthTimezone)),
      target: new schedulerTargets.StepFunctionsStartExecution(workflow.stateMachine, {
        input: scheduler.ScheduleTargetInput.fromObject({ day: null, scheduledTime: scheduler.ContextAttribute.scheduledTime }),
        retryAttempts: 3,
      }),
    });

    const healthApi = new RekindleFunction(this, 'HealthApi', {
      entry: 'functions/health-api/handler.ts',
      description: 'GET /v1/health/*, /v1/alerts, /v1/incidents, /v1/feedback/top; POST /v1/incidents/{id}/resume',
      environment,
    }).useTable(data.operationsTable, ENV.operationsTable, 'readWrite');
    for (const path of ['/v1/health/daily', '/v1/health/cohorts', '/v1/health/features', '/v1/alerts', '/v1/incidents', '/v1/feedback/top'])
      context.addRoute(apigw.HttpMethod.GET, path, healthApi, 'marketer');
    context.addRoute(apigw.HttpMethod.POST, '/v1/incidents/{id}/resume', healthApi, 'marketer');

    // The series' past, from the aggregates in one pass: invoked once on a seeded or imported population.
    const backfill = new RekindleFunction(this, 'HealthBackfill', {
      entry: 'functions/health-backfill/handler.ts',
      description: 'Fills the health series of past days from the users aggregates in one pass (no alerts)',
      memorySize: 1024,
      timeout: Duration.minutes(15),
      environment,
    })
      .useTable(data.usersTable, ENV.usersTable, 'read')
      .useTable(data.operationsTable, ENV.operationsTable, 'readWrite');

    // Experience feedback: a filtered consumer of the raw-event stream keeps per-week counters,
    // so the weekly top-3 reads one small partition instead of the week's raw events.
    const feedback = new RekindleFunction(this, 'HealthFeedback', {
      entry: 'functions/health-feedback/handler.ts',
      description: 'Feedback events from the raw-event stream into weekly counters per feature, with masked samples',
      timeout: Duration.minutes(1),
      environment,
    }).useTable(data.operationsTable, ENV.operationsTable, 'readWrite');
    const feedbackFailures = new sqs.Queue(this, 'FeedbackFailures', {
      retentionPeriod: Duration.days(14),
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: data.key,
      enforceSSL: true,
    });
    feedback.addEventSource(
      new DynamoEventSource(data.eventsTable, {
        startingPosition: lambda.StartingPosition.TRIM_HORIZON,
        batchSize: 100,
        maxBatchingWindow: Duration.seconds(2),
        bisectBatchOnError: true,
        retryAttempts: 5,
        onFailure: new SqsDlq(feedbackFailures),
        filters: [
          lambda.FilterCriteria.filter({
            eventName: lambda.FilterRule.isEqual('INSERT'),
            dynamodb: { NewImage: { type: { S: lambda.FilterRule.isEqual('feedback') } } },
          }),
        ],
      }),
    );
    context.alarmOnMessages(feedbackFailures, 'Feedback events that could not be counted after retries');
    for (const fn of [computeDay, healthApi, feedback, backfill]) context.alarmOnErrors(fn);

    const metric = (metricName: string, statistic: string) =>
      new cloudwatch.Metric({ namespace: 'Rekindle', metricName, dimensionsMap: { service: 'rekindle' }, statistic, period: Duration.days(1) });
    const stopAlarm = new cloudwatch.Alarm(this, 'HealthStopAlarm', {
      metric: metric('HealthStopIncidents', 'Sum'),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: 'The STOP flow opened an incident: non-core sends are stopped until a person resumes',
    });
    stopAlarm.addAlarmAction(new actions.SnsAction(props.alarmTopic));
    new cloudwatch.Dashboard(this, 'HealthDashboard', {
      widgets: [
        [
          new cloudwatch.GraphWidget({ title: 'DAU', left: [metric('HealthDau', 'Maximum')], width: 12 }),
          new cloudwatch.GraphWidget({
            title: 'Alerts raised and STOP incidents',
            left: [metric('HealthAlertsRaised', 'Sum'), metric('HealthStopIncidents', 'Sum')],
            width: 12,
          }),
        ],
        [new cloudwatch.AlarmStatusWidget({ title: 'STOP', alarms: [stopAlarm], width: 24 })],
      ],
    });
  }
}
