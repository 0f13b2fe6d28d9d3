import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as ses from 'aws-cdk-lib/aws-ses';
import * as sns from 'aws-cdk-lib/aws-sns';
import { LambdaSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import cdkNag from 'cdk-nag';
import { Construct } from 'constructs';
import { ENV } from '../../shared/config/tables';
import { MESSAGING_ENV } from '../../shared/adapters/messaging/config';
import { RekindleFunction } from '../constructs/rekindle-function';
import type { FeatureContext } from './feature-context';

const { NagSuppressions } = cdkNag;

function domainOf(address: string): string {
  const match = /@([^>\s]+)>?\s*$/.exec(address);
  if (!match?.[1]) throw new Error(`rekindle.messaging.fromAddress must be an email address, got ${address}`);
  return match[1];
}

/**
 * Messaging and contact policy: the one send path (used in-process by every feature through
 * `composeMessaging().messenger`, shared/composition/messaging.ts; a feature's function gets what it needs with {@link MessagingFeature.grantSend}),
 * the SES configuration set whose events come back through SNS into the suppression list and the
 * behaviour events, the unsubscribe endpoint (public: the signed token is the authority), the kill
 * switch and the message log API.
 *
 * The reconciliation sweep: every 15 minutes a schedule runs a function that reads the sparse
 * `SendingIndex` (16 shards) for keys left in `sending` past the timeout by a crash inside the
 * provider call, and settles each from the provider receipts the feedback handler records from
 * SES events: `sent` when SES took the message, `released` (the caller's next retry sends) when
 * there is no event an hour after the call. It never sends and holds no send permission.
 * Cost: 2 index writes per message (into the index at `sending`, out of it at `sent`) ≈ 2 WRU, and
 * one receipt write per SES event ≈ 1 WRU; the sweep is 96 invocations a day, 16 index queries
 * each, whatever the volume.
 */
export class MessagingFeature extends Construct {
  readonly configurationSet: ses.ConfigurationSet;
  readonly unsubscribeKey: secretsmanager.Secret;
  private readonly environment: Record<string, string>;
  private readonly sesIdentityArn: string;
  private readonly context: FeatureContext;

  constructor(scope: Construct, id: string, context: FeatureContext) {
    super(scope, id);
    this.context = context;
    const { data, settings } = context;
    const stack = Stack.of(this);
    const { messaging } = settings;

    // Retained: tokens in inboxes stay verifiable for 90 days, whatever happens to this stack.
    this.unsubscribeKey = new secretsmanager.Secret(this, 'UnsubscribeKey', {
      description: 'Rekindle: HMAC key that signs one-click unsubscribe tokens',
      generateSecretString: { excludePunctuation: true, passwordLength: 64 },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    NagSuppressions.addResourceSuppressions(this.unsubscribeKey, [
      {
        id: 'AwsSolutions-SMG4',
        reason:
          'Rotating the unsubscribe key must keep the previous key verifying (links live 90 days): done by writing {current, previous} JSON, not by a rotation Lambda that would drop it.',
      },
    ]);

    // SES publishes feedback to an encrypted topic: SES must be able to use the topic's key.
    const feedbackKey = new kms.Key(this, 'FeedbackKey', { description: 'Rekindle: encrypts SES feedback notifications', enableKeyRotation: true });
    feedbackKey.grantEncryptDecrypt(new iam.ServicePrincipal('ses.amazonaws.com'));
    const feedbackTopic = new sns.Topic(this, 'SesFeedbackTopic', { displayName: 'Rekindle SES feedback', masterKey: feedbackKey, enforceSSL: true });
    this.configurationSet = new ses.ConfigurationSet(this, 'ConfigurationSet', { reputationMetrics: true, sendingEnabled: true });
    this.configurationSet.addEventDestination('ToSns', {
      destination: ses.EventDestination.snsTopic(feedbackTopic),
      events: [
        ses.EmailSendingEvent.SEND,
        ses.EmailSendingEvent.BOUNCE,
        ses.EmailSendingEvent.COMPLAINT,
        ses.EmailSendingEvent.DELIVERY,
        ses.EmailSendingEvent.OPEN,
        ses.EmailSendingEvent.CLICK,
      ],
    });

    this.sesIdentityArn = stack.formatArn({ service: 'ses', resource: 'identity', resourceName: domainOf(messaging.fromAddress) });
    this.environment = {
      [MESSAGING_ENV.fromAddress]: messaging.fromAddress,
      [MESSAGING_ENV.configurationSet]: this.configurationSet.configurationSetName,
      [MESSAGING_ENV.unsubscribeBaseUrl]: messaging.unsubscribeBaseUrl ?? `${context.api.apiEndpoint}/v1/unsubscribe`,
      [MESSAGING_ENV.unsubscribeKeySecretArn]: this.unsubscribeKey.secretArn,
      [MESSAGING_ENV.contactPolicy]: JSON.stringify(messaging.contactPolicy),
      [MESSAGING_ENV.messageLogRetentionDays]: String(messaging.messageLogRetentionDays),
      [ENV.rawEventRetentionDays]: String(settings.rawEventRetentionDays),
    };

    const fn = (fnId: string, entry: string, description: string) =>
      new RekindleFunction(this, fnId, { entry, description, environment: this.environment, timeout: Duration.seconds(29) });

    const sendTest = this.grantSend(fn('SendTestMessage', 'functions/send-message/handler.ts', 'POST /v1/messages/test: one message through the send path'));
    const listMessages = fn('ListUserMessages', 'functions/messages/list-user-messages/handler.ts', 'GET /v1/users/{userId}/messages: the message log')
      .useTable(data.usersTable, ENV.usersTable, 'read')
      .useTable(data.operationsTable, ENV.operationsTable, 'read');
    const getMessage = fn('GetMessage', 'functions/messages/get-message/handler.ts', 'GET /v1/messages/{messageId}: one message, its decisions')
      .useTable(data.usersTable, ENV.usersTable, 'read')
      .useTable(data.operationsTable, ENV.operationsTable, 'read');
    const getKillSwitch = fn('GetKillSwitch', 'functions/kill-switch/get/handler.ts', 'GET /v1/killswitch')
      .useTable(data.usersTable, ENV.usersTable, 'read')
      .useTable(data.operationsTable, ENV.operationsTable, 'read');
    const putKillSwitch = fn('PutKillSwitch', 'functions/kill-switch/put/handler.ts', 'PUT /v1/killswitch: stops or resumes non-core sends')
      .useTable(data.usersTable, ENV.usersTable, 'read')
      .useTable(data.operationsTable, ENV.operationsTable, 'readWrite');
    const unsubscribePage = fn('UnsubscribePage', 'functions/unsubscribe/page/handler.ts', 'GET /v1/unsubscribe: confirmation page for a signed token');
    this.unsubscribeKey.grantRead(unsubscribePage);
    const unsubscribe = fn('Unsubscribe', 'functions/unsubscribe/one-click/handler.ts', 'POST /v1/unsubscribe: RFC 8058 one-click unsubscribe')
      .useTable(data.usersTable, ENV.usersTable, 'readWrite')
      .useTable(data.operationsTable, ENV.operationsTable, 'readWrite')
      .useTable(data.eventsTable, ENV.eventsTable, 'readWrite');
    this.unsubscribeKey.grantRead(unsubscribe);
    const sesFeedback = fn(
      'SesFeedback',
      'functions/ses-feedback/handler.ts',
      'SES events: provider receipts; bounces, complaints into suppressions; opens, clicks into events',
    )
      .useTable(data.usersTable, ENV.usersTable, 'readWrite')
      .useTable(data.operationsTable, ENV.operationsTable, 'readWrite')
      .useTable(data.eventsTable, ENV.eventsTable, 'readWrite');

    const reconcileSweep = new RekindleFunction(this, 'ReconcileSweep', {
      entry: 'functions/messaging-reconcile-sweep/handler.ts',
      description: 'Every 15 minutes: settles messages left in doubt by a crash inside the provider call, from SES evidence',
      environment: {
        [MESSAGING_ENV.contactPolicy]: this.environment[MESSAGING_ENV.contactPolicy]!,
        [MESSAGING_ENV.messageLogRetentionDays]: this.environment[MESSAGING_ENV.messageLogRetentionDays]!,
      },
      timeout: Duration.minutes(5),
    })
      // Users: the index query, consistent re-reads, the conditional settle and the contact history.
      .useTable(data.usersTable, ENV.usersTable, 'readWrite')
      // Operations: provider receipts, read only.
      .useTable(data.operationsTable, ENV.operationsTable, 'read');
    new scheduler.Schedule(this, 'ReconcileSweepSchedule', {
      description: 'Rekindle: settles in-doubt messages from provider evidence',
      schedule: scheduler.ScheduleExpression.rate(Duration.minutes(15)),
      target: new schedulerTargets.LambdaInvoke(reconcileSweep, { retryAttempts: 2, maxEventAge: Duration.minutes(10) }),
    });

    const feedbackFailures = new sqs.Queue(this, 'SesFeedbackFailures', {
      retentionPeriod: Duration.days(14),
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: feedbackKey,
      enforceSSL: true,
    });
    feedbackKey.grantEncryptDecrypt(new iam.ServicePrincipal('sns.amazonaws.com'));
    feedbackTopic.addSubscription(new LambdaSubscription(sesFeedback, { deadLetterQueue: feedbackFailures }));

    context.addRoute(apigw.HttpMethod.POST, '/v1/messages/test', sendTest, 'marketer');
    context.addRoute(apigw.HttpMethod.GET, '/v1/users/{userId}/messages', listMessages, 'marketer');
    context.addRoute(apigw.HttpMethod.GET, '/v1/messages/{messageId}', getMessage, 'marketer');
    context.addRoute(apigw.HttpMethod.GET, '/v1/killswitch', getKillSwitch, 'marketer');
    context.addRoute(apigw.HttpMethod.PUT, '/v1/killswitch', putKillSwitch, 'marketer');
    context.addRoute(apigw.HttpMethod.GET, '/v1/unsubscribe', unsubscribePage, 'public');
    context.addRoute(apigw.HttpMethod.POST, '/v1/unsubscribe', unsubscribe, 'public');
    for (const route of ['GET--v1--unsubscribe', 'POST--v1--unsubscribe']) {
      NagSuppressions.addResourceSuppressions(
        context.api.node.findChild(route),
        [
          {
            id: 'AwsSolutions-APIG4',
            reason:
              'RFC 8058 one-click unsubscribe is POSTed by mailbox providers without credentials; the HMAC-signed, expiring token in the URL is the authorization, checked by the handler.',
          },
        ],
        true,
      );
    }

    context.alarmOnMessages(feedbackFailures, 'SES feedback (bounces, complaints) that could not be applied after retries');
    for (const f of [sendTest, listMessages, getMessage, getKillSwitch, putKillSwitch, unsubscribePage, unsubscribe, sesFeedback, reconcileSweep])
      context.alarmOnErrors(f);
  }

  /**
   * Lets a function call `composeMessaging().messenger`: sets the send path's environment and grants exactly
   * what it uses (the two tables, SES on the sender identity and configuration set, SNS publish for
   * SMS and push, the unsubscribe key).
   */
  grantSend(fn: RekindleFunction): RekindleFunction {
    for (const [name, value] of Object.entries(this.environment)) fn.addEnvironment(name, value);
    const { data } = this.context;
    fn.useTable(data.usersTable, ENV.usersTable, 'readWrite').useTable(data.operationsTable, ENV.operationsTable, 'readWrite');
    this.unsubscribeKey.grantRead(fn);
    const stack = Stack.of(this);
    fn.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['ses:SendEmail'],
        resources: [
          this.sesIdentityArn,
          stack.formatArn({ service: 'ses', resource: 'configuration-set', resourceName: this.configurationSet.configurationSetName }),
        ],
      }),
    );
    // SMS goes to phone numbers, which are not resources: SNS only accepts `*` for them.
    fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['sns:Publish'], resources: ['*'] }));
    NagSuppressions.addResourceSuppressions(
      fn,
      [
        {
          id: 'AwsSolutions-IAM5',
          reason: 'sns:Publish to a phone number (SMS) has no resource ARN; SNS requires Resource * for it.',
          appliesTo: ['Resource::*'],
        },
      ],
      true,
    );
    return fn;
  }
}
