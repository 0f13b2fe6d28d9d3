import { RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import cdkNag from 'cdk-nag';
import { AUDIENCE_INDEX_NAME, AUDIENCE_INDEX_PROJECTION } from '../../shared/adapters/dynamodb/audience-index';
import { WAKE_INDEX_NAME } from '../../shared/adapters/loyalty/loyalty-keys';
import { SENDING_INDEX_NAME } from '../../shared/adapters/messaging/keys';

// cdk-nag is CommonJS built by jsii; its named exports are not visible to ESM importers.
const { NagSuppressions } = cdkNag;

/**
 * Everything that holds data: tables, the key that encrypts them, the ingest key. Kept apart from
 * the stateless stacks and retained when a stack is deleted, so a redeploy never loses data.
 */
export class StatefulStack extends Stack {
  readonly key: kms.Key;
  readonly usersTable: dynamodb.Table;
  readonly eventsTable: dynamodb.Table;
  readonly operationsTable: dynamodb.Table;
  readonly ingestKeySecret: secretsmanager.Secret;
  /** Marketers who sign in to the console (hosted UI, authorization code with PKCE); accounts are created by an administrator. */
  readonly marketerPool: cognito.UserPool;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    this.key = new kms.Key(this, 'DataKey', {
      description: 'Rekindle: encrypts tables and secrets holding personal data',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const tableDefaults = {
      partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: this.key,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    } as const;

    // Profiles, daily aggregates and (later) scores: one partition per user.
    this.usersTable = new dynamodb.Table(this, 'UsersTable', { ...tableDefaults, timeToLiveAttribute: 'expiresAt' });
    // Check-in wake-ups (loyalty): sparse, keys only. Only active program items carry wakeShard
    // (WAKE#00..15) and wakeAt, so the 15-minute sweep reads just what is due, spread over shards.
    this.usersTable.addGlobalSecondaryIndex({
      indexName: WAKE_INDEX_NAME,
      partitionKey: { name: 'wakeShard', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'wakeAt', type: dynamodb.AttributeType.STRING },
      projectionType: dynamodb.ProjectionType.KEYS_ONLY,
    });
    // Messages inside a provider call (messaging): sparse, keys only. Only reservations in
    // `sending` carry sendingShard (SENDING#00..15), so the 15-minute reconciliation sweep reads
    // the keys stuck there past the timeout (sendingSince), spread over shards, without a Scan.
    this.usersTable.addGlobalSecondaryIndex({
      indexName: SENDING_INDEX_NAME,
      partitionKey: { name: 'sendingShard', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'sendingSince', type: dynamodb.AttributeType.STRING },
      projectionType: dynamodb.ProjectionType.KEYS_ONLY,
    });
    // Scores by shard and tier (journeys' audiences): sparse, only SCORE items carry audienceShard
    // (AUDIENCE#0..7) and audienceKey (<tier>#<userId>), with the attributes audiences judge that
    // rarely change (CLV as its band, no churn risk: see audience-index.ts), so a launch or an exact
    // count reads the scores it selects from instead of the whole table, and a score whose values
    // alone changed overnight does not write its index entry.
    this.usersTable.addGlobalSecondaryIndex({
      indexName: AUDIENCE_INDEX_NAME,
      partitionKey: { name: 'audienceShard', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'audienceKey', type: dynamodb.AttributeType.STRING },
      projectionType: dynamodb.ProjectionType.INCLUDE,
      nonKeyAttributes: AUDIENCE_INDEX_PROJECTION,
    });

    // Raw events for audit and replay; its stream drives aggregation.
    this.eventsTable = new dynamodb.Table(this, 'EventsTable', {
      ...tableDefaults,
      timeToLiveAttribute: 'expiresAt',
      stream: dynamodb.StreamViewType.NEW_AND_OLD_IMAGES,
    });

    // System-wide state: kill switch, journeys, model parameters, runs, idempotency records.
    this.operationsTable = new dynamodb.Table(this, 'OperationsTable', { ...tableDefaults, timeToLiveAttribute: 'expiresAt' });

    this.ingestKeySecret = new secretsmanager.Secret(this, 'IngestKey', {
      description: 'Rekindle: the API key event producers send in x-api-key',
      // Encrypted with the Secrets Manager managed key: a grant on the data key would put the
      // stateless stack's role into this stack's key policy and tie the two stacks in a cycle.
      generateSecretString: { excludePunctuation: true, passwordLength: 40 },
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.marketerPool = new cognito.UserPool(this, 'MarketerPool', {
      userPoolName: 'rekindle-marketers',
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      autoVerify: { email: true },
      mfa: cognito.Mfa.REQUIRED,
      mfaSecondFactor: { sms: false, otp: true },
      passwordPolicy: { minLength: 14, requireLowercase: true, requireUppercase: true, requireDigits: true, requireSymbols: true },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    NagSuppressions.addResourceSuppressions(this.marketerPool, [
      {
        id: 'AwsSolutions-COG8',
        reason:
          'Threat protection needs the Plus feature plan (charged per monthly active user). The pool holds a handful of marketers, created by an administrator only (no self sign-up), with a 14-character password policy and TOTP MFA required; a deployment can move to Plus without a code change.',
      },
    ]);
  }
}
