import { Duration, Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ENV } from '../../shared/config/tables';
import { LOYALTY_DEFAULTS, LOYALTY_ENV } from '../../shared/adapters/loyalty/loyalty-env';
import { WAKE_SHARDS } from '../../shared/adapters/loyalty/loyalty-keys';
import { CheckinProgramsWorkflow } from '../../workflows/checkin-programs';
import { RekindleFunction } from '../constructs/rekindle-function';
import type { FeatureContext } from './feature-context';
import type { MessagingFeature } from './messaging';

/**
 * Due programs one SweepShard invocation takes: 2,000, 5 at a time (a few DynamoDB calls each),
 * is well inside the 5-minute timeout; a larger shard loops on its cursor within the same run.
 */
const CHECKIN_PROGRAMS_PER_INVOCATION = 2000;

export interface LoyaltyFeatureProps {
  /** The one send path: reminders, summaries and coupon messages go through it. */
  messaging: MessagingFeature;
}

/**
 * Loyalty: the points ledger and growth value, the 21-day check-in program, referrals with the
 * monthly reward budget, and the monthly draw.
 *
 * - **API** (one function, thin adapter per route): enrol, check in (producer: the app calls it),
 *   points/ledger/level, programs, referral code, referral sign-up (producer), run/read the draw.
 * - **Loyalty events**: a second event source mapping on the raw-event stream, filtered to
 *   inserted purchases, refunds and the event types of the incentive rules. It counts growth
 *   exactly once per order (refunds per event), publishes `GrowthLevelChanged` (source
 *   `rekindle.loyalty`) on the default bus, and counts key-behaviour incentives per window in the
 *   user's time zone. DynamoDB Streams allow two readers per shard; with aggregation this stream
 *   has two: a new stream use must extend this consumer, not add a third mapping.
 * - **Incentive rules** are data: the `incentiveRules` setting (validated at synth), passed to
 *   the functions as JSON and validated again at cold start. Conversion counters are sharded in
 *   the operations table, so `GET /v1/incentives/report` is 16 reads per rule, never a Scan.
 * - **Check-in orchestration** is one scheduled Step Functions Standard machine
 *   (workflows/checkin-programs.ts), not an execution per user: every 15 minutes EventBridge
 *   Scheduler starts a run that maps over the 16 shards of the sparse `WakeIndex`, one task per
 *   shard looping on a cursor, which reminds on a missed day (the user's local 20:00), ends an
 *   impossible program with a summary, or moves the wake-up; a last task releases queued coupons
 *   and returns the run summary. Every task retries transient failures with jitter; a retried
 *   page repeats nothing (messages are sent once by id, versions guard every save).
 *
 * Cost per enrolled user of the 21-day program (us-east-1 list prices; DynamoDB on-demand
 * 0.625 USD per million write units, 0.125 per million read units; items < 1 KB):
 * - enrolment: 1 put + 1 index write = 2 WRU;
 * - each check-in: program read 1 RRU (consistent) + balance read 1 RRU; ledger transaction
 *   (entry + balance) 2 items × 2 = 4 WRU; program save 1 WRU + index 1 WRU when the wake-up
 *   moves; on days 7, 14, 21 another 1 RRU + 4 WRU for the streak bonus; the coupon 1 WRU.
 *   21 check-ins ≈ 21 × (2 RRU + 6 WRU) + 3 × (1 RRU + 4 WRU) + 1 ≈ 45 RRU + 139 WRU;
 * - runs: one wake a day at most: index query ≈ 0.01 RRU per user, program read 1 RRU, save
 *   1 WRU + 2 index WRU, a reminder record 1 WRU on missed days: ≈ 21 RRU + 63 WRU;
 * - Step Functions: 96 runs a day × ≈ 52 transitions ≈ 5,000 transitions ≈ 0.125 USD a day
 *   whatever the number of users, plus 2 transitions per 2,000 due programs: ≈ 0.00000053 USD
 *   per user and program at scale; Lambda: ≈ 0 per user (pages of 2,000).
 * Total ≈ 0.00013 USD per enrolled user and program. The README compares it with one execution
 * per user (≈ 0.0021 USD each, and one open execution per enrolled user).
 */
export class LoyaltyFeature extends Construct {
  /** The scheduled state machine that runs the check-in programs. */
  readonly checkinWorkflow: CheckinProgramsWorkflow;

  constructor(scope: Construct, id: string, context: FeatureContext, props: LoyaltyFeatureProps) {
    super(scope, id);
    const { data, settings } = context;
    const environment = {
      [LOYALTY_ENV.monthlyRewardBudget]: String(LOYALTY_DEFAULTS.monthlyRewardBudget),
      [LOYALTY_ENV.whenBudgetExhausted]: LOYALTY_DEFAULTS.whenBudgetExhausted,
      [ENV.aggregateRetentionDays]: String(settings.aggregateRetentionDays),
      [LOYALTY_ENV.incentiveRules]: JSON.stringify(settings.incentiveRules),
      [LOYALTY_ENV.programs]: JSON.stringify(settings.loyaltyPrograms),
      [LOYALTY_ENV.growthLadder]: JSON.stringify(settings.growthLadder),
      [LOYALTY_ENV.pointsExpireAfterDays]: String(LOYALTY_DEFAULTS.pointsExpireAfterDays),
      [LOYALTY_ENV.pointsExpiryNoticeDays]: String(LOYALTY_DEFAULTS.pointsExpiryNoticeDays),
    };
    // The stream consumer sees purchases and refunds (growth), the incentive rules' event types and the event-driven programs' daily actions.
    const programEventTypes = settings.loyaltyPrograms.flatMap((program) => (program.dailyAction.kind === 'event' ? [program.dailyAction.eventType] : []));
    const incentiveEventTypes = [...new Set([...settings.incentiveRules.map((rule) => rule.eventType), ...programEventTypes])].filter(
      (type) => type !== 'purchase' && type !== 'refund',
    );

    const api = new RekindleFunction(this, 'LoyaltyApi', {
      entry: 'functions/loyalty-api/handler.ts',
      description: 'Loyalty API: enrolments, check-ins, points, programs, referrals, draws',
      environment,
    })
      .useTable(data.usersTable, ENV.usersTable, 'readWrite')
      .useTable(data.operationsTable, ENV.operationsTable, 'readWrite');

    const growth = new RekindleFunction(this, 'LoyaltyGrowth', {
      entry: 'functions/loyalty-growth/handler.ts',
      description: 'Loyalty events from the raw-event stream: growth, level changes, key-behaviour incentives',
      timeout: Duration.minutes(2),
      environment,
    })
      .useTable(data.usersTable, ENV.usersTable, 'readWrite')
      .useTable(data.operationsTable, ENV.operationsTable, 'readWrite');
    const growthFailures = new sqs.Queue(this, 'GrowthFailures', {
      retentionPeriod: Duration.days(14),
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: data.key,
      enforceSSL: true,
    });
    growth.addEventSource(
      new DynamoEventSource(data.eventsTable, {
        startingPosition: lambda.StartingPosition.TRIM_HORIZON,
        batchSize: 100,
        maxBatchingWindow: Duration.seconds(2),
        bisectBatchOnError: true,
        retryAttempts: 5,
        onFailure: new SqsDlq(growthFailures),
        filters: [
          lambda.FilterCriteria.filter({
            eventName: lambda.FilterRule.isEqual('INSERT'),
            dynamodb: { NewImage: { type: { S: lambda.FilterRule.or('purchase', 'refund', ...incentiveEventTypes) } } },
          }),
        ],
      }),
    );

    growth.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['events:PutEvents'],
        resources: [Stack.of(this).formatArn({ service: 'events', resource: 'event-bus', resourceName: 'default' })],
      }),
    );

    const sweepShard = new RekindleFunction(this, 'LoyaltyCheckinShard', {
      entry: 'functions/loyalty-checkin-shard/handler.ts',
      description: 'Check-in state machine task: one page of one wake-index shard (reminders, ends of impossible programs)',
      timeout: Duration.minutes(5),
      environment,
    })
      .useTable(data.usersTable, ENV.usersTable, 'readWrite')
      .useTable(data.operationsTable, ENV.operationsTable, 'readWrite');
    const summarizeRun = new RekindleFunction(this, 'LoyaltyCheckinSummary', {
      entry: 'functions/loyalty-checkin-summary/handler.ts',
      description: 'Check-in state machine task: releases queued coupons, adds up the run',
      timeout: Duration.minutes(2),
      environment,
    })
      .useTable(data.usersTable, ENV.usersTable, 'readWrite')
      .useTable(data.operationsTable, ENV.operationsTable, 'readWrite');
    this.checkinWorkflow = new CheckinProgramsWorkflow(this, 'CheckinPrograms', {
      sweepShard,
      summarizeRun,
      wakeShards: WAKE_SHARDS,
      maxConcurrency: WAKE_SHARDS,
      maxProgramsPerInvocation: CHECKIN_PROGRAMS_PER_INVOCATION,
    });
    new scheduler.Schedule(this, 'CheckinProgramsSchedule', {
      description: 'Rekindle: check-in programs run (every 15 minutes)',
      schedule: scheduler.ScheduleExpression.rate(Duration.minutes(15)),
      target: new schedulerTargets.StepFunctionsStartExecution(this.checkinWorkflow.stateMachine, {
        input: scheduler.ScheduleTargetInput.fromObject({ scheduledTime: scheduler.ContextAttribute.scheduledTime }),
        retryAttempts: 2,
        maxEventAge: Duration.minutes(10),
      }),
    });

    const marketer = [
      [apigw.HttpMethod.POST, '/v1/programs/checkin/enrollments'],
      [apigw.HttpMethod.POST, '/v1/programs/{programId}/enrollments'],
      [apigw.HttpMethod.GET, '/v1/programs'],
      [apigw.HttpMethod.GET, '/v1/users/{userId}/points'],
      [apigw.HttpMethod.GET, '/v1/users/{userId}/programs'],
      [apigw.HttpMethod.POST, '/v1/users/{userId}/referral-code'],
      [apigw.HttpMethod.POST, '/v1/draws/{month}'],
      [apigw.HttpMethod.GET, '/v1/draws/{month}'],
      [apigw.HttpMethod.GET, '/v1/incentives/report'],
    ] as const;
    for (const [method, path] of marketer) context.addRoute(method, path, api, 'marketer');
    context.addRoute(apigw.HttpMethod.POST, '/v1/users/{userId}/checkins', api, 'producer');
    context.addRoute(apigw.HttpMethod.POST, '/v1/users/{userId}/redemptions', api, 'producer');
    context.addRoute(apigw.HttpMethod.POST, '/v1/referrals/signup', api, 'producer');

    // Every loyalty function sends: check-ins end programs (summary, coupon), referrals and
    // purchases issue coupons, the sweep reminds.
    for (const fn of [api, growth, sweepShard, summarizeRun]) props.messaging.grantSend(fn);

    context.alarmOnMessages(growthFailures, 'Loyalty events (growth, incentives) that could not be counted after retries');
    for (const fn of [api, growth, sweepShard, summarizeRun]) context.alarmOnErrors(fn);
  }
}
