import { Duration } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { ENV } from '../../shared/config/tables';
import { EXPERIMENTS_ENV } from '../../shared/adapters/experiments/experiments-config';
import { JOURNEY_ENV } from '../../shared/adapters/journeys/journey-config';
import { ExperimentRolloutWorkflow } from '../../workflows/experiment-rollout';
import { RekindleFunction } from '../constructs/rekindle-function';
import type { FeatureContext } from './feature-context';
import type { JourneysFeature } from './journeys';

export interface ExperimentsFeatureProps {
  /** The launch queue a rollout stage's admitted members go through. */
  journeys: JourneysFeature;
  /** Where a halted rollout is announced. */
  alarmTopic: sns.ITopic;
}

/**
 * Experiments on journeys: the hourly evaluation of staged rollouts (advance, or halt on a
 * guardrail breach) and the per-variant, per-stage report. Variants and the global control group
 * need no function of their own: they are drawn at enrollment and enforced by the send path.
 */
export class ExperimentsFeature extends Construct {
  constructor(scope: Construct, id: string, context: FeatureContext, props: ExperimentsFeatureProps) {
    super(scope, id);
    const { data, settings } = context;
    const environment = { [ENV.aggregateRetentionDays]: String(settings.aggregateRetentionDays) };

    const contactPolicy = { [EXPERIMENTS_ENV.contactPolicy]: JSON.stringify(settings.messaging.contactPolicy) };

    // One function for the workflow's five tasks: the stateless stack is near CloudFormation's 500 resources.
    const rollouts = new RekindleFunction(this, 'ExperimentsRollout', {
      entry: 'functions/experiments-rollout/handler.ts',
      description: 'Rollout workflow tasks: plan, tally a page of members, decide (advance, wait or halt), queue a page, commit',
      environment: {
        ...environment,
        ...contactPolicy,
        [JOURNEY_ENV.launchQueueUrl]: props.journeys.launchQueue.queueUrl,
        [EXPERIMENTS_ENV.alarmTopicArn]: props.alarmTopic.topicArn,
        [EXPERIMENTS_ENV.healthTimeZone]: settings.healthTimezone,
        [EXPERIMENTS_ENV.pageSize]: String(settings.experimentsPageSize),
      },
      timeout: Duration.minutes(2),
    })
      .useTable(data.usersTable, ENV.usersTable, 'read')
      .useTable(data.operationsTable, ENV.operationsTable, 'readWrite');
    props.journeys.launchQueue.grantSendMessages(rollouts);
    props.alarmTopic.grantPublish(rollouts);
    const workflow = new ExperimentRolloutWorkflow(this, 'Rollout', { tasks: rollouts, logGroup: rollouts.logGroup });
    new scheduler.Schedule(this, 'RolloutSchedule', {
      description: 'Experiments: tallied and staged rollouts evaluated every hour',
      schedule: scheduler.ScheduleExpression.rate(Duration.hours(1)),
      target: new schedulerTargets.StepFunctionsStartExecution(workflow.stateMachine, {
        input: scheduler.ScheduleTargetInput.fromObject({ scheduledTime: scheduler.ContextAttribute.scheduledTime }),
        retryAttempts: 2,
        maxEventAge: Duration.minutes(30),
      }),
    });

    const report = new RekindleFunction(this, 'JourneyReportVariants', {
      entry: 'functions/journey-report-variants/handler.ts',
      description: 'GET /v1/journeys/{id}/report/variants: per variant and stage, global control apart',
      environment: { ...environment, ...contactPolicy },
      timeout: Duration.minutes(2),
    })
      .useTable(data.usersTable, ENV.usersTable, 'read')
      .useTable(data.operationsTable, ENV.operationsTable, 'read');
    context.addRoute(apigw.HttpMethod.GET, '/v1/journeys/{journeyId}/report/variants', report, 'marketer');

    for (const fn of [rollouts, report]) context.alarmOnErrors(fn);
  }
}
