import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer, HttpLambdaAuthorizer, HttpLambdaResponseType } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import cdkNag from 'cdk-nag';
import { RekindleFunction } from '../constructs/rekindle-function';
import type { FeatureContext, RouteAudience } from '../features/feature-context';
import { HealthFeature } from '../features/health';
import { IngestionFeature } from '../features/ingestion';
import { ExperimentsFeature } from '../features/experiments';
import { JourneysFeature } from '../features/journeys';
import { MessagingFeature } from '../features/messaging';
import { LoyaltyFeature } from '../features/loyalty';
import { ScoringFeature } from '../features/scoring';
import type { RekindleSettings } from '../settings';
import type { StatefulStack } from './stateful-stack';

// cdk-nag is CommonJS built by jsii; its named exports are not visible to ESM importers.
const { NagSuppressions } = cdkNag;

export interface ApiStackProps extends StackProps {
  data: StatefulStack;
  settings: RekindleSettings;
}

/**
 * The stateless side: the HTTP API, its authorizers, the alarm topic, and every feature's functions,
 * workflows and schedules. Can be destroyed and redeployed freely; the data stays in the data stack.
 */
export class ApiStack extends Stack {
  readonly api: apigw.HttpApi;
  readonly alarmTopic: sns.Topic;
  /** Every marketer route with its function: the console stack serves the same routes behind Cognito JWTs. */
  readonly marketerRoutes: Array<{ method: apigw.HttpMethod; path: string; fn: lambda.IFunction }> = [];

  constructor(scope: Construct, id: string, props: ApiStackProps) {
    super(scope, id, props);
    const { data, settings } = props;

    // Alarms publish through CloudWatch, which must be allowed to use the topic's key.
    const alarmKey = new kms.Key(this, 'AlarmKey', { description: 'Rekindle: encrypts the alarm topic', enableKeyRotation: true });
    alarmKey.grantEncryptDecrypt(new iam.ServicePrincipal('cloudwatch.amazonaws.com'));
    this.alarmTopic = new sns.Topic(this, 'AlarmTopic', { displayName: 'Rekindle alarms', masterKey: alarmKey, enforceSSL: true });

    const authorizeIngest = new RekindleFunction(this, 'AuthorizeIngest', {
      entry: 'functions/authorize-ingest/handler.ts',
      description: 'HTTP API authorizer: checks the event producers x-api-key',
      timeout: Duration.seconds(5),
      environment: { INGEST_KEY_SECRET_ARN: data.ingestKeySecret.secretArn },
    });
    data.ingestKeySecret.grantRead(authorizeIngest);
    const authorizers: Record<RouteAudience, apigw.IHttpRouteAuthorizer> = {
      producer: new HttpLambdaAuthorizer('IngestKeyAuthorizer', authorizeIngest, {
        responseTypes: [HttpLambdaResponseType.SIMPLE],
        identitySource: ['$request.header.x-api-key'],
        resultsCacheTtl: Duration.minutes(5),
      }),
      marketer: new HttpIamAuthorizer(),
      public: new apigw.HttpNoneAuthorizer(),
    };

    const accessLogs = new logs.LogGroup(this, 'ApiAccessLogs', { retention: logs.RetentionDays.THREE_MONTHS });
    this.api = new apigw.HttpApi(this, 'HttpApi', { description: 'Rekindle API', createDefaultStage: false });
    new apigw.HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: settings.apiRateLimit, burstLimit: settings.apiBurstLimit },
      accessLogSettings: { destination: new apigw.LogGroupLogDestination(accessLogs) },
    });

    const alarm = (alarmId: string, metric: cloudwatch.IMetric, description: string) => {
      new cloudwatch.Alarm(this, alarmId, {
        metric,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      }).addAlarmAction(new actions.SnsAction(this.alarmTopic));
    };

    // Every path with the methods it takes; after the features, `ANY <path>` answers the others 405.
    const methodsOfPath = new Map<string, apigw.HttpMethod[]>();
    const context: FeatureContext = {
      data,
      settings,
      api: this.api,
      addRoute: (method, path, fn, audience) => {
        methodsOfPath.set(path, [...(methodsOfPath.get(path) ?? []), method]);
        if (audience === 'marketer') this.marketerRoutes.push({ method, path, fn });
        this.api.addRoutes({
          path,
          methods: [method],
          integration: new HttpLambdaIntegration(`${fn.node.id}${method}Integration`, fn),
          authorizer: authorizers[audience],
        });
      },
      alarmOnErrors: (fn) => alarm(`${fn.node.id}ErrorsAlarm`, fn.metricErrors({ period: Duration.minutes(5) }), `${fn.node.id} is failing`),
      alarmOnMessages: (queue, description) =>
        alarm(`${(queue as unknown as Construct).node.id}Alarm`, queue.metricApproximateNumberOfMessagesVisible(), description),
    };

    // One line per feature; each feature lives in infra/features/<name>.ts.
    new IngestionFeature(this, 'Ingestion', context);
    // The one send path first: the features that send get it and grant their functions from it.
    const messaging = new MessagingFeature(this, 'Messaging', context);
    const journeys = new JourneysFeature(this, 'Journeys', context, { messaging });
    new ExperimentsFeature(this, 'Experiments', context, { journeys, alarmTopic: this.alarmTopic });
    new LoyaltyFeature(this, 'Loyalty', context, { messaging });
    const scoring = new ScoringFeature(this, 'Scoring', context);
    new HealthFeature(this, 'Health', context, { alarmTopic: this.alarmTopic, scoring });

    const allowedMethods = Object.fromEntries([...methodsOfPath].map(([path, methods]) => [path, methods.map(String)]));
    const methodNotAllowed = new RekindleFunction(this, 'MethodNotAllowed', {
      entry: 'functions/method-not-allowed/handler.ts',
      description: 'HTTP API: answers 405 with Allow for a method a known path does not take',
      timeout: Duration.seconds(3),
      environment: { ALLOWED_METHODS: JSON.stringify(allowedMethods) },
    });
    // One greedy `ANY /{proxy+}` route, which an HTTP API ranks below every route with a method:
    // it answers 405 with Allow for a known path and 404 for an unknown one. (One `ANY <path>` route
    // per path cost a route and a Lambda permission each: eighty resources of the stack's 500.)
    const [fallback] = this.api.addRoutes({
      path: '/{proxy+}',
      methods: [apigw.HttpMethod.ANY],
      integration: new HttpLambdaIntegration('MethodNotAllowedIntegration', methodNotAllowed),
      authorizer: authorizers.public,
    });
    NagSuppressions.addResourceSuppressions(
      fallback!,
      [
        {
          id: 'AwsSolutions-APIG4',
          reason:
            'ANY /{proxy+} only answers 405 with the Allow header (or 404) for a method or path the API does not have; it reads nothing and writes nothing, so it needs no caller identity.',
        },
      ],
      true,
    );

    new CfnOutput(this, 'ApiUrl', { value: this.api.apiEndpoint });
  }
}
