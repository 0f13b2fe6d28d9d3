import { Duration, Stack, TimeZone } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import { Construct } from 'constructs';
import { ENV } from '../../shared/config/tables';
import { SCORING_ENV } from '../../shared/adapters/scoring/scoring-config';
import { NightlyScoringWorkflow } from '../../workflows/nightly-scoring';
import { RekindleFunction } from '../constructs/rekindle-function';
import type { FeatureContext } from './feature-context';

/**
 * Nightly scoring: EventBridge Scheduler starts the scoring workflow every night (cron and time
 * zone from settings); marketers start a run for a day, follow it and read the tier distribution
 * over the API.
 */
export class ScoringFeature extends Construct {
  readonly workflow: NightlyScoringWorkflow;

  constructor(scope: Construct, id: string, context: FeatureContext) {
    super(scope, id);
    const { data, settings } = context;
    const environment = {
      [SCORING_ENV.segments]: String(settings.scoringSegments),
      [SCORING_ENV.refitEveryDays]: String(settings.scoringRefitEveryDays),
      [SCORING_ENV.sampleUsers]: String(settings.scoringSampleUsers),
      [SCORING_ENV.coreFeatures]: settings.scoringCoreFeatures,
    };

    const prepareRun = new RekindleFunction(this, 'ScoringPrepareRun', {
      entry: 'functions/scoring-prepare-run/handler.ts',
      description: 'Nightly scoring: run date, model refit when due, sample cut points, segments',
      memorySize: 1024,
      timeout: Duration.minutes(5),
      environment,
    })
      .useTable(data.usersTable, ENV.usersTable, 'read')
      .useTable(data.operationsTable, ENV.operationsTable, 'readWrite');
    const scoreSegment = new RekindleFunction(this, 'ScoringScoreSegment', {
      entry: 'functions/scoring-score-segment/handler.ts',
      description: 'Nightly scoring: scores one scan segment, writes what changed, emits TierChanged',
      memorySize: 1024,
      timeout: Duration.minutes(15),
      environment,
    })
      .useTable(data.usersTable, ENV.usersTable, 'readWrite')
      .useTable(data.operationsTable, ENV.operationsTable, 'readWrite');
    scoreSegment.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['events:PutEvents'],
        resources: [Stack.of(this).formatArn({ service: 'events', resource: 'event-bus', resourceName: 'default' })],
      }),
    );
    const summarizeRun = new RekindleFunction(this, 'ScoringSummarizeRun', {
      entry: 'functions/scoring-summarize-run/handler.ts',
      description: 'Nightly scoring: adds up the segments and stores the run summary',
    }).useTable(data.operationsTable, ENV.operationsTable, 'readWrite');

    this.workflow = new NightlyScoringWorkflow(this, 'NightlyScoring', {
      prepareRun,
      scoreSegment,
      summarizeRun,
      maxConcurrency: settings.scoringMaxConcurrency,
    });
    const machine = this.workflow.stateMachine;

    new scheduler.Schedule(this, 'NightlyScoringSchedule', {
      description: 'Starts the nightly scoring run',
      schedule: scheduler.ScheduleExpression.expression(settings.scoringSchedule, TimeZone.of(settings.scoringTimezone)),
      target: new schedulerTargets.StepFunctionsStartExecution(machine, {
        input: scheduler.ScheduleTargetInput.fromObject({ date: scheduler.ContextAttribute.scheduledTime }),
        retryAttempts: 3,
      }),
    });

    const apiEnvironment = { [SCORING_ENV.stateMachineArn]: machine.stateMachineArn };
    const startRun = new RekindleFunction(this, 'ScoringStartRun', {
      entry: 'functions/scoring-start-run/handler.ts',
      description: 'POST /v1/scoring/runs: starts the scoring workflow for a day',
      environment: apiEnvironment,
    }).useTable(data.operationsTable, ENV.operationsTable, 'read');
    machine.grantStartExecution(startRun);
    const getRun = new RekindleFunction(this, 'ScoringGetRun', {
      entry: 'functions/scoring-get-run/handler.ts',
      description: 'GET /v1/scoring/runs/{runId}: status, progress and summary of a run',
      environment: apiEnvironment,
    }).useTable(data.operationsTable, ENV.operationsTable, 'read');
    machine.grantRead(getRun);
    const getTiers = new RekindleFunction(this, 'ScoringGetTiers', {
      entry: 'functions/scoring-get-tiers/handler.ts',
      description: 'GET /v1/tiers: tier, segment and quadrant distribution of the latest run',
    }).useTable(data.operationsTable, ENV.operationsTable, 'read');

    context.addRoute(apigw.HttpMethod.POST, '/v1/scoring/runs', startRun, 'marketer');
    context.addRoute(apigw.HttpMethod.GET, '/v1/scoring/runs/{runId}', getRun, 'marketer');
    context.addRoute(apigw.HttpMethod.GET, '/v1/tiers', getTiers, 'marketer');
    for (const fn of [prepareRun, scoreSegment, summarizeRun, startRun, getRun, getTiers]) context.alarmOnErrors(fn);
  }
}
