import { AssetHashType, CfnOutput, DockerImage, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as deployment from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import cdkNag from 'cdk-nag';
import { buildConsoleSync, CONSOLE_SOURCE_DIR, type ConsoleConfig } from '../../console/build';
import type { RekindleSettings } from '../settings';
import type { ApiStack } from './api-stack';
import type { StatefulStack } from './stateful-stack';

// cdk-nag is CommonJS built by jsii; its named exports are not visible to ESM importers.
const { NagSuppressions } = cdkNag;

export interface ConsoleStackProps extends StackProps {
  data: StatefulStack;
  api: ApiStack;
  settings: RekindleSettings;
}

/**
 * The marketer console in AWS: its static files in a private S3 bucket behind CloudFront (origin
 * access control, security headers), Cognito's hosted UI for sign-in (authorization code with
 * PKCE, a public client without a secret), and the console API: the same marketer routes and
 * functions as the main HTTP API, which takes IAM, here behind a JWT authorizer on the pool's tokens.
 */
export class ConsoleStack extends Stack {
  readonly bucket: s3.Bucket;
  readonly distribution: cloudfront.Distribution;
  readonly consoleApi: apigw.HttpApi;

  constructor(scope: Construct, id: string, props: ConsoleStackProps) {
    super(scope, id, props);
    const { data, api, settings } = props;

    const logBucket = new s3.Bucket(this, 'ConsoleLogs', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      // CloudFront's standard logs are written with an ACL, which needs object ownership by the writer.
      objectOwnership: s3.ObjectOwnership.OBJECT_WRITER,
      lifecycleRules: [{ expiration: Duration.days(90) }],
    });
    this.bucket = new s3.Bucket(this, 'ConsoleSite', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      versioned: true,
      serverAccessLogsBucket: logBucket,
      serverAccessLogsPrefix: 'site/',
    });

    const headers = new cloudfront.ResponseHeadersPolicy(this, 'ConsoleHeaders', {
      comment: 'Rekindle console: security headers',
      securityHeadersBehavior: {
        contentSecurityPolicy: {
          // The console talks to its API and to Cognito, nothing else; no inline script.
          contentSecurityPolicy: `default-src 'self'; connect-src 'self' https://*.execute-api.${this.region}.amazonaws.com https://*.auth.${this.region}.amazoncognito.com; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'`,
          override: true,
        },
        strictTransportSecurity: { accessControlMaxAge: Duration.days(365), includeSubdomains: true, preload: true, override: true },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.NO_REFERRER, override: true },
      },
    });
    this.distribution = new cloudfront.Distribution(this, 'ConsoleDistribution', {
      comment: 'Rekindle marketer console',
      defaultRootObject: 'index.html',
      defaultBehavior: {
        origin: origins.S3BucketOrigin.withOriginAccessControl(this.bucket),
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: headers,
      },
      enableLogging: true,
      logBucket,
      logFilePrefix: 'cloudfront/',
    });
    const consoleUrl = `https://${this.distribution.distributionDomainName}/`;

    // Domain and client live here, beside the distribution they point at (the pool, in the data stack, is retained).
    const domain = new cognito.UserPoolDomain(this, 'MarketerPoolDomain', {
      userPool: data.marketerPool,
      cognitoDomain: { domainPrefix: `rekindle-${this.account}` },
    });
    const client = new cognito.UserPoolClient(this, 'ConsoleClient', {
      userPool: data.marketerPool,
      generateSecret: false,
      authFlows: {},
      preventUserExistenceErrors: true,
      supportedIdentityProviders: [cognito.UserPoolClientIdentityProvider.COGNITO],
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL],
        callbackUrls: [consoleUrl],
        logoutUrls: [consoleUrl],
      },
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(1),
    });

    const accessLogs = new logs.LogGroup(this, 'ConsoleApiAccessLogs', { retention: logs.RetentionDays.THREE_MONTHS });
    this.consoleApi = new apigw.HttpApi(this, 'ConsoleHttpApi', {
      description: 'Rekindle console API: the marketer routes behind Cognito JWTs',
      createDefaultStage: false,
      corsPreflight: {
        allowOrigins: [`https://${this.distribution.distributionDomainName}`],
        allowHeaders: ['authorization', 'content-type'],
        allowMethods: [apigw.CorsHttpMethod.GET, apigw.CorsHttpMethod.POST, apigw.CorsHttpMethod.PUT],
        maxAge: Duration.hours(1),
      },
    });
    new apigw.HttpStage(this, 'ConsoleApiStage', {
      httpApi: this.consoleApi,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: settings.apiRateLimit, burstLimit: settings.apiBurstLimit },
      accessLogSettings: { destination: new apigw.LogGroupLogDestination(accessLogs) },
    });
    const authorizer = new HttpJwtAuthorizer('MarketerJwt', `https://cognito-idp.${this.region}.amazonaws.com/${data.marketerPool.userPoolId}`, {
      jwtAudience: [client.userPoolClientId],
    });
    for (const [i, route] of api.marketerRoutes.entries()) {
      this.consoleApi.addRoutes({
        path: route.path,
        methods: [route.method],
        integration: new HttpLambdaIntegration(`ConsoleRoute${i}Integration`, route.fn),
        authorizer,
      });
    }

    const config: ConsoleConfig = {
      auth: 'cognito',
      apiUrl: this.consoleApi.apiEndpoint,
      cognitoDomain: domain.baseUrl(),
      clientId: client.userPoolClientId,
      redirectUri: consoleUrl,
    };
    new deployment.BucketDeployment(this, 'ConsoleFiles', {
      destinationBucket: this.bucket,
      distribution: this.distribution,
      sources: [
        // Bundled on this machine by esbuild at synth (no Docker); the image is never pulled.
        deployment.Source.asset(CONSOLE_SOURCE_DIR, {
          // Hashed on the bundle, not the sources: it also holds the shipped journeys from shared/domain.
          assetHashType: AssetHashType.OUTPUT,
          bundling: {
            image: DockerImage.fromRegistry('public.ecr.aws/docker/library/node:22-slim'),
            local: {
              tryBundle(outputDir) {
                buildConsoleSync(outputDir);
                return true;
              },
            },
          },
        }),
        deployment.Source.jsonData('config.json', config),
      ],
      memoryLimit: 256,
    });

    NagSuppressions.addResourceSuppressions(this.distribution, [
      {
        id: 'AwsSolutions-CFR1',
        reason:
          'Marketers sign in from wherever they work; the files are public JavaScript and every API call needs a Cognito JWT, so a country list would protect nothing.',
      },
      {
        id: 'AwsSolutions-CFR2',
        reason:
          'The distribution serves only static files (no origin logic, no data); the API it calls is throttled and behind the JWT authorizer. A WAF web ACL (about 5 USD a month plus rules) can be attached when a deployment wants one.',
      },
      {
        id: 'AwsSolutions-CFR4',
        reason:
          'No custom domain is configured, so the distribution uses the *.cloudfront.net certificate, whose minimum protocol CloudFront fixes; a deployment with its own domain sets an ACM certificate and TLSv1.2_2021.',
      },
    ]);
    NagSuppressions.addStackSuppressions(this, [
      {
        id: 'AwsSolutions-IAM5',
        reason:
          "BucketDeployment's own function (a CDK singleton) copies the bundled site from the CDK asset bucket into the console bucket and invalidates the distribution: CDK grants it s3:GetObject*/List*/DeleteObject* on those two buckets' objects (<bucket ARN>/*) and cloudfront:CreateInvalidation/GetInvalidation, which take no narrower resource.",
        appliesTo: [
          'Action::s3:GetObject*',
          'Action::s3:GetBucket*',
          'Action::s3:List*',
          'Action::s3:DeleteObject*',
          'Action::s3:Abort*',
          'Resource::*',
          { regex: '/^Resource::(arn:<AWS::Partition>:s3:::cdk-.*-assets-.*\\/\\*|<ConsoleSite[A-Z0-9]+\\.Arn>\\/\\*)$/g' },
        ],
      },
    ]);

    new CfnOutput(this, 'ConsoleUrl', { value: consoleUrl });
    new CfnOutput(this, 'ConsoleApiUrl', { value: this.consoleApi.apiEndpoint });
    new CfnOutput(this, 'MarketerPoolId', { value: data.marketerPool.userPoolId });
  }
}
