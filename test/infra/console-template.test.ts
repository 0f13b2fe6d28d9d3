import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildRekindleApp } from '../../infra/rekindle-app';

let site: Template;
let data: Template;
let nagFindings: string[];

beforeAll(() => {
  // The app `cdk deploy` ships, cdk-nag applied (not bundled: the console's bundle has its own test).
  const { stacks, console: consoleStack } = buildRekindleApp({ bundle: false });
  site = Template.fromStack(consoleStack);
  data = Template.fromStack(stacks.find((stack) => stack.stackName === 'Rekindle-Data')!);
  nagFindings = [
    ...Annotations.fromStack(consoleStack).findError('*', Match.stringLikeRegexp('AwsSolutions-.*')),
    ...Annotations.fromStack(consoleStack).findWarning('*', Match.stringLikeRegexp('AwsSolutions-.*')),
  ].map((finding) => `${finding.id}: ${String(finding.entry.data).split(':')[0]}`);
}, 120_000);

describe('the console stack', () => {
  it('has no unsuppressed cdk-nag finding', () => {
    expect(nagFindings).toEqual([]);
  });

  it('keeps the site in a private, encrypted bucket that only CloudFront reads, through origin access control', () => {
    const buckets = Object.values(site.findResources('AWS::S3::Bucket'));
    expect(buckets.length).toBeGreaterThanOrEqual(1);
    for (const bucket of buckets) {
      expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
      expect(bucket.Properties.BucketEncryption).toBeDefined();
    }
    site.hasResourceProperties('AWS::CloudFront::OriginAccessControl', {
      OriginAccessControlConfig: Match.objectLike({ OriginAccessControlOriginType: 's3', SigningBehavior: 'always', SigningProtocol: 'sigv4' }),
    });
    site.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: Match.objectLike({
        Statement: Match.arrayWith([Match.objectLike({ Action: 's3:GetObject', Principal: { Service: 'cloudfront.amazonaws.com' }, Effect: 'Allow' })]),
      }),
    });
  });

  it('serves it over HTTPS only with security headers', () => {
    site.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        DefaultRootObject: 'index.html',
        DefaultCacheBehavior: Match.objectLike({ ViewerProtocolPolicy: 'redirect-to-https' }),
      }),
    });
    const [policy] = Object.values(site.findResources('AWS::CloudFront::ResponseHeadersPolicy'));
    expect(JSON.stringify(policy!.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig.ContentSecurityPolicy)).toMatch(
      /script-src 'self'; frame-ancestors 'none'/,
    );
    site.hasResourceProperties('AWS::CloudFront::ResponseHeadersPolicy', {
      ResponseHeadersPolicyConfig: Match.objectLike({
        SecurityHeadersConfig: Match.objectLike({
          StrictTransportSecurity: Match.objectLike({ AccessControlMaxAgeSec: 31536000 }),
          FrameOptions: Match.objectLike({ FrameOption: 'DENY' }),
          ContentTypeOptions: Match.objectLike({ Override: true }),
        }),
      }),
    });
  });

  it('signs marketers in through a retained Cognito pool with MFA and a public client on the authorization code flow (PKCE)', () => {
    data.hasResource('AWS::Cognito::UserPool', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({ MfaConfiguration: 'ON', AdminCreateUserConfig: { AllowAdminCreateUserOnly: true } }),
    });
    site.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      GenerateSecret: false,
      AllowedOAuthFlows: ['code'],
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthScopes: Match.arrayWith(['openid']),
    });
    site.resourceCountIs('AWS::Cognito::UserPoolDomain', 1);
  });

  it('serves every marketer route behind a JWT authorizer on the pool and client, and only marketer routes', () => {
    site.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: Match.objectLike({ Audience: [Match.anyValue()], Issuer: Match.anyValue() }),
    });
    const routes = Object.values(site.findResources('AWS::ApiGatewayV2::Route'));
    const keys = routes.map((route) => String(route.Properties.RouteKey));
    expect(keys).toEqual(expect.arrayContaining(['GET /v1/health/daily', 'POST /v1/journeys/preview', 'PUT /v1/killswitch', 'GET /v1/users/{userId}']));
    expect(keys).not.toContain('POST /v1/events');
    for (const route of routes) expect(route.Properties.AuthorizationType).toBe('JWT');
  });

  it('deploys the bundled files with a config.json naming the console API, the pool domain and the client', () => {
    const deployments = Object.values(site.findResources('Custom::CDKBucketDeployment'));
    expect(deployments).toHaveLength(1);
    expect(JSON.stringify(deployments[0]!.Properties.SourceMarkers)).toContain('ConsoleHttpApi');
  });
});
