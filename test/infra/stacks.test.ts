import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Stack } from 'aws-cdk-lib';
import { buildRekindleApp } from '../../infra/rekindle-app';
import { findJsonataStates } from '../../infra/local/step-functions';

let stacks: Stack[];
let data: Template;
let api: Template;

beforeAll(() => {
  // The same app `cdk deploy` synthesizes, with cdk-nag's AwsSolutions pack applied.
  ({ stacks } = buildRekindleApp({ bundle: false }));
  data = Template.fromStack(stacks.find((stack) => stack.stackName === 'Rekindle-Data')!);
  api = Template.fromStack(stacks.find((stack) => stack.stackName === 'Rekindle-Api')!);
});

describe('cdk-nag AwsSolutions', () => {
  it('has no unsuppressed finding in any stack', () => {
    const findings = stacks.flatMap((stack) =>
      [
        ...Annotations.fromStack(stack).findError('*', Match.stringLikeRegexp('AwsSolutions-.*')),
        ...Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('AwsSolutions-.*')),
      ].map((finding) => `${finding.id}: ${String(finding.entry.data).split(':')[0]}`),
    );
    expect(findings).toEqual([]);
  });
});

describe('the data stack', () => {
  it('keeps every table on demand, encrypted with the customer key, recoverable and retained', () => {
    const tables = data.findResources('AWS::DynamoDB::Table');
    expect(Object.keys(tables).length).toBeGreaterThanOrEqual(3);
    for (const table of Object.values(tables)) {
      expect(table.DeletionPolicy).toBe('Retain');
      expect(table.Properties.BillingMode).toBe('PAY_PER_REQUEST');
      expect(table.Properties.SSESpecification).toMatchObject({ SSEEnabled: true, SSEType: 'KMS' });
      expect(table.Properties.SSESpecification.KMSMasterKeyId).toBeDefined();
      expect(table.Properties.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
      expect(table.Properties.TimeToLiveSpecification).toEqual({ AttributeName: 'expiresAt', Enabled: true });
    }
  });

  it('rotates its key and retains it', () => {
    data.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Retain', Properties: { EnableKeyRotation: true } });
  });

  it('streams raw events, with the old image of a change, for aggregation and the first-content restore', () => {
    data.hasResourceProperties('AWS::DynamoDB::Table', { StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' } });
  });
});

describe('the stateless stack', () => {
  it('runs every function on Node 22, arm64, traced, with its source recorded for the local runtime', () => {
    const functions = api.findResources('AWS::Lambda::Function');
    for (const fn of Object.values(functions)) {
      expect(fn.Properties.Runtime).toBe('nodejs22.x');
      expect(fn.Properties.Architectures).toEqual(['arm64']);
      expect(fn.Properties.TracingConfig).toEqual({ Mode: 'Active' });
      expect(fn.Metadata?.['rekindle:entry']).toMatch(/^(functions|test)\/.+\.ts$/);
    }
  });

  it('authenticates every route: producers with the ingest-key authorizer, marketers with IAM (or a documented public route)', () => {
    const routes = Object.values(api.findResources('AWS::ApiGatewayV2::Route'));
    expect(routes.length).toBeGreaterThan(0);
    for (const route of routes) {
      const key = String(route.Properties.RouteKey);
      const authorization = route.Properties.AuthorizationType;
      if (authorization === 'NONE' || authorization === undefined) {
        // Only token-carrying routes may be public (e.g. one-click unsubscribe, whose token is the auth),
        // and the one `ANY /{proxy+}` route that answers 405 (or 404) for what the API does not have.
        if (key.startsWith('ANY ')) {
          expect(key).toBe('ANY /{proxy+}');
          expect(JSON.stringify(route.Properties.Target)).toMatch(/MethodNotAllowed/);
        } else expect(key).toMatch(/unsubscribe/);
      } else {
        expect(['CUSTOM', 'AWS_IAM']).toContain(authorization);
      }
    }
    api.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'POST /v1/events', AuthorizationType: 'CUSTOM' });
    api.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'GET /v1/users/{userId}', AuthorizationType: 'AWS_IAM' });
  });

  it('logs API access and throttles the stage', () => {
    api.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      AccessLogSettings: Match.objectLike({ DestinationArn: Match.anyValue() }),
      DefaultRouteSettings: Match.objectLike({ ThrottlingRateLimit: Match.anyValue(), ThrottlingBurstLimit: Match.anyValue() }),
    });
  });

  it('sends failed aggregation batches to an encrypted dead-letter queue watched by an alarm', () => {
    api.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      DestinationConfig: { OnFailure: { Destination: Match.anyValue() } },
      BisectBatchOnFunctionError: true,
    });
    api.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'ApproximateNumberOfMessagesVisible' });
  });

  it('retries every Lambda task of every state machine on a transient dependency failure', () => {
    type State = {
      Type: string;
      Resource?: string;
      Retry?: Array<{ ErrorEquals: string[] }>;
      States?: Record<string, State>;
      ItemProcessor?: { States: Record<string, State> };
      Iterator?: { States: Record<string, State> };
      Branches?: Array<{ States: Record<string, State> }>;
    };
    const lambdaTasks = (states: Record<string, State>): Array<[string, State]> =>
      Object.entries(states).flatMap(([name, state]) => [
        ...(state.Type === 'Task' && isLambda(state.Resource ?? '') ? [[name, state] as [string, State]] : []),
        ...lambdaTasks(state.ItemProcessor?.States ?? state.Iterator?.States ?? {}),
        ...(state.Branches ?? []).flatMap((branch) => lambdaTasks(branch.States)),
      ]);
    const functionIds = new Set(stacks.flatMap((stack) => Object.keys(Template.fromStack(stack).findResources('AWS::Lambda::Function'))));
    // A Lambda task names its function directly (Fn::GetAtt, written GETATT:<id> below) or through lambda:invoke.
    const isLambda = (resource: string) => resource.includes(':lambda:invoke') || functionIds.has(resource.replace(/^GETATT:/, ''));
    let checked = 0;
    for (const stack of stacks) {
      for (const machine of Object.values(Template.fromStack(stack).findResources('AWS::StepFunctions::StateMachine'))) {
        // The definition is a Fn::Join of JSON text and tokens (ARNs inside JSON strings).
        const parts = (machine.Properties.DefinitionString?.['Fn::Join']?.[1] ?? [JSON.stringify(machine.Properties.Definition)]) as unknown[];
        const token = (part: unknown) => {
          const getAtt = (part as { 'Fn::GetAtt'?: [string, string] })['Fn::GetAtt'];
          return getAtt ? `GETATT:${getAtt[0]}` : 'TOKEN';
        };
        const definition = JSON.parse(parts.map((part) => (typeof part === 'string' ? part : token(part))).join('')) as { States: Record<string, State> };
        for (const [name, task] of lambdaTasks(definition.States)) {
          checked += 1;
          expect({ name, retried: (task.Retry ?? []).some((retrier) => retrier.ErrorEquals.includes('TransientDependencyError')) }).toEqual({
            name,
            retried: true,
          });
        }
      }
    }
    expect(checked).toBeGreaterThanOrEqual(4);
  });

  it('declares no JSONata state anywhere (the local engine would silently ignore it)', () => {
    for (const stack of stacks) {
      const machines = Template.fromStack(stack).findResources('AWS::StepFunctions::StateMachine');
      for (const machine of Object.values(machines)) {
        const text = JSON.stringify(machine.Properties.DefinitionString ?? machine.Properties.Definition);
        expect(text).not.toMatch(/JSONata/i);
        if (machine.Properties.Definition) expect(findJsonataStates(machine.Properties.Definition)).toEqual([]);
      }
    }
  });
});
