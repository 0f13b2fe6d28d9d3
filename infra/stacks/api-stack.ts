import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer, HttpLambdaAuthorizer, HttpLambdaResponseType } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ENV } from '../../shared/config/tables';
import { RekindleFunction } from '../constructs/rekindle-function';
import type { StatefulStack } from './stateful-stack';
import type { RekindleSettings } from '../settings';

export interface ApiStackProps extends StackProps {
  data: StatefulStack;
  settings: RekindleSettings;
}

/**
 * The stateless edge: the HTTP API with its handlers, event aggregation from the raw-event stream,
 * and the alarms that watch them. Can be destroyed and redeployed freely; the data stays.
 */
export class ApiStack extends Stack {
  readonly api: apigw.HttpApi;
  readonly alarmTopic: sns.Topic;

  constructor(scope: Construct, id: string, props: ApiStackProps) {
    super(scope, id, props);
    const { data, settings } = props;

    // Alarms publish through CloudWatch, which must be allowed to use the topic's key.
    const alarmKey = new kms.Key(this, 'AlarmKey', { description: 'Rekindle: encrypts the alarm topic', enableKeyRotation: true });
    alarmKey.grantEncryptDecrypt(new iam.ServicePrincipal('cloudwatch.amazonaws.com'));
    this.alarmTopic = new sns.Topic(this, 'AlarmTopic', { displayName: 'Rekindle alarms', masterKey: alarmKey, enforceSSL: true });

    const ingestEnvironment = {
      [ENV.eventMaxAgeDays]: String(settings.eventMaxAgeDays),
      [ENV.rawEventRetentionDays]: String(settings.rawEventRetentionDays),
      [ENV.aggregateRetentionDays]: String(settings.aggregateRetentionDays),
    };

    const ingestEvents = new RekindleFunction(this, 'IngestEvents', {
      entry: 'functions/ingest-events/handler.ts',
      description: 'POST /v1/events: validates a batch and stores its events durably',
      environment: ingestEnvironment,
    }).useTable(data.eventsTable, ENV.eventsTable, 'readWrite');

    const aggregateEvents = new RekindleFunction(this, 'AggregateEvents', {
      entry: 'functions/aggregate-events/handler.ts',
      description: 'Recomputes daily aggregates from the raw-event stream',
      timeout: Duration.minutes(2),
      environment: ingestEnvironment,
    })
      .useTable(data.eventsTable, ENV.eventsTable, 'read')
      .useTable(data.usersTable, ENV.usersTable, 'readWrite');
    const aggregationFailures = new sqs.Queue(this, 'AggregationFailures', {
      retentionPeriod: Duration.days(14),
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: data.key,
      enforceSSL: true,
    });
    aggregateEvents.addEventSource(
      new DynamoEventSource(data.eventsTable, {
        startingPosition: lambda.StartingPosition.TRIM_HORIZON,
        batchSize: 500,
        maxBatchingWindow: Duration.seconds(2),
        bisectBatchOnError: true,
        retryAttempts: 5,
        parallelizationFactor: 4,
        onFailure: new SqsDlq(aggregationFailures),
        filters: [lambda.FilterCriteria.filter({ eventName: lambda.FilterRule.or('INSERT', 'MODIFY') })],
      }),
    );

    const putUser = new RekindleFunction(this, 'PutUser', {
      entry: 'functions/put-user/handler.ts',
      description: 'PUT /v1/users/{userId}: creates or updates a profile',
      environment: ingestEnvironment,
    }).useTable(data.usersTable, ENV.usersTable, 'readWrite');
    const getUser = new RekindleFunction(this, 'GetUser', {
      entry: 'functions/get-user/handler.ts',
      description: 'GET /v1/users/{userId}: a profile and its activity summary',
      environment: ingestEnvironment,
    }).useTable(data.usersTable, ENV.usersTable, 'read');

    const authorizeIngest = new RekindleFunction(this, 'AuthorizeIngest', {
      entry: 'functions/authorize-ingest/handler.ts',
      description: 'HTTP API authorizer: checks the event producers x-api-key',
      timeout: Duration.seconds(5),
      environment: { INGEST_KEY_SECRET_ARN: data.ingestKeySecret.secretArn },
    });
    data.ingestKeySecret.grantRead(authorizeIngest);

    const ingestKeyAuthorizer = new HttpLambdaAuthorizer('IngestKeyAuthorizer', authorizeIngest, {
      responseTypes: [HttpLambdaResponseType.SIMPLE],
      identitySource: ['$request.header.x-api-key'],
      resultsCacheTtl: Duration.minutes(5),
    });
    const marketerAuthorizer = new HttpIamAuthorizer();

    const accessLogs = new logs.LogGroup(this, 'ApiAccessLogs', { retention: logs.RetentionDays.THREE_MONTHS });
    this.api = new apigw.HttpApi(this, 'HttpApi', {
      description: 'Rekindle API',
      createDefaultStage: false,
    });
    new apigw.HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: settings.apiRateLimit, burstLimit: settings.apiBurstLimit },
      accessLogSettings: { destination: new apigw.LogGroupLogDestination(accessLogs) },
    });

    const route = (method: apigw.HttpMethod, routePath: string, fn: lambda.IFunction, authorizer: apigw.IHttpRouteAuthorizer) =>
      this.api.addRoutes({ path: routePath, methods: [method], integration: new HttpLambdaIntegration(`${fn.node.id}Integration`, fn), authorizer });

    route(apigw.HttpMethod.POST, '/v1/events', ingestEvents, ingestKeyAuthorizer);
    route(apigw.HttpMethod.PUT, '/v1/users/{userId}', putUser, ingestKeyAuthorizer);
    route(apigw.HttpMethod.GET, '/v1/users/{userId}', getUser, marketerAuthorizer);

    const alarm = (alarmId: string, metric: cloudwatch.IMetric, description: string) => {
      const created = new cloudwatch.Alarm(this, alarmId, {
        metric,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      });
      created.addAlarmAction(new actions.SnsAction(this.alarmTopic));
    };
    alarm('AggregationFailuresAlarm', aggregationFailures.metricApproximateNumberOfMessagesVisible(), 'Raw events whose aggregation failed after retries');
    for (const fn of [ingestEvents, aggregateEvents, putUser, getUser]) {
      alarm(`${fn.node.id}ErrorsAlarm`, fn.metricErrors({ period: Duration.minutes(5) }), `${fn.node.id} is failing`);
    }

    new CfnOutput(this, 'ApiUrl', { value: this.api.apiEndpoint });
  }
}

export type { dynamodb };
