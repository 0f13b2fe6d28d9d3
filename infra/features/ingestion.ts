import { Duration } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { ENV } from '../../shared/config/tables';
import { RekindleFunction } from '../constructs/rekindle-function';
import type { FeatureContext } from './feature-context';

/**
 * Events and profiles: the ingest API stores raw events durably; the raw-event table's stream
 * drives aggregation into per-user daily aggregates; producers upsert profiles, marketers read them.
 */
export class IngestionFeature extends Construct {
  constructor(scope: Construct, id: string, context: FeatureContext) {
    super(scope, id);
    const { data, settings } = context;
    const environment = {
      [ENV.eventMaxAgeDays]: String(settings.eventMaxAgeDays),
      [ENV.rawEventRetentionDays]: String(settings.rawEventRetentionDays),
      [ENV.aggregateRetentionDays]: String(settings.aggregateRetentionDays),
    };

    const ingestEvents = new RekindleFunction(this, 'IngestEvents', {
      entry: 'functions/ingest-events/handler.ts',
      description: 'POST /v1/events: validates a batch and stores its events durably',
      environment,
    }).useTable(data.eventsTable, ENV.eventsTable, 'readWrite');

    const aggregateEvents = new RekindleFunction(this, 'AggregateEvents', {
      entry: 'functions/aggregate-events/handler.ts',
      description: 'Adds newly stored raw events to the daily aggregates, once each; keeps a re-sent id at its first content',
      timeout: Duration.minutes(2),
      environment,
    })
      .useTable(data.eventsTable, ENV.eventsTable, 'readWrite')
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
        // The aggregator writes each (user, month) a batch touches once, so larger batches mean
        // fewer month reads and writes per event: 5,000 records (about 4 MB, under Lambda's 6 MB
        // payload) or what 5 s bring. Aggregates feed nightly and daily work: seconds are fine.
        batchSize: 5000,
        maxBatchingWindow: Duration.seconds(5),
        bisectBatchOnError: true,
        retryAttempts: 5,
        parallelizationFactor: 4,
        onFailure: new SqsDlq(aggregationFailures),
        // Only an event's first write (INSERT) is applied. A MODIFY is a re-send that changed a
        // stored id: never applied, its old image is put back (first content wins in the raw item).
        filters: [lambda.FilterCriteria.filter({ eventName: lambda.FilterRule.or('INSERT', 'MODIFY') })],
      }),
    );

    const putUser = new RekindleFunction(this, 'PutUser', {
      entry: 'functions/put-user/handler.ts',
      description: 'PUT /v1/users/{userId}: creates or updates a profile',
      environment,
    }).useTable(data.usersTable, ENV.usersTable, 'readWrite');
    const getUser = new RekindleFunction(this, 'GetUser', {
      entry: 'functions/get-user/handler.ts',
      description: 'GET /v1/users/{userId}: a profile and its activity summary',
      environment,
    }).useTable(data.usersTable, ENV.usersTable, 'read');

    context.addRoute(apigw.HttpMethod.POST, '/v1/events', ingestEvents, 'producer');
    context.addRoute(apigw.HttpMethod.PUT, '/v1/users/{userId}', putUser, 'producer');
    context.addRoute(apigw.HttpMethod.GET, '/v1/users/{userId}', getUser, 'marketer');

    context.alarmOnMessages(aggregationFailures, 'Raw events whose aggregation failed after retries');
    for (const fn of [ingestEvents, aggregateEvents, putUser, getUser]) context.alarmOnErrors(fn);
  }
}
