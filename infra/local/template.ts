import type { Stack } from 'aws-cdk-lib';
import { buildRekindleApp } from '../rekindle-app';
import { LOCAL_ENTRY_METADATA } from '../constructs/rekindle-function';

/** One resource of a synthesized CloudFormation template. */
export interface TemplateResource {
  Type: string;
  Properties?: Record<string, unknown>;
  Metadata?: Record<string, unknown>;
}

/** A resource with the stack and logical id it came from. */
export interface LocatedResource extends TemplateResource {
  stackName: string;
  logicalId: string;
}

/** The synthesized templates of every stack of the app, as `cdk deploy` would ship them. */
export class SynthesizedApp {
  constructor(readonly templates: ReadonlyMap<string, { Resources: Record<string, TemplateResource> }>) {}

  /** Synthesizes the Rekindle app in-process, without bundling (the local runtime runs sources); `context` as `-c` would give it. */
  static synthesize(context?: Record<string, unknown>): SynthesizedApp {
    const { app, stacks } = buildRekindleApp({ bundle: false, nag: false, ...(context ? { context } : {}) });
    return SynthesizedApp.fromApp(app, stacks);
  }

  /** Synthesizes any CDK app (tests use small ones to exercise the runtime's wiring). */
  static fromApp(
    app: { synth(): { getStackByName(name: string): { template: { Resources: Record<string, TemplateResource> } } } },
    stacks: Stack[],
  ): SynthesizedApp {
    const assembly = app.synth();
    const templates = new Map<string, { Resources: Record<string, TemplateResource> }>();
    for (const stack of stacks as Stack[]) templates.set(stack.stackName, assembly.getStackByName(stack.stackName).template);
    return new SynthesizedApp(templates);
  }

  resourcesOfType(type: string): LocatedResource[] {
    const found: LocatedResource[] = [];
    for (const [stackName, template] of this.templates) {
      for (const [logicalId, resource] of Object.entries(template.Resources ?? {})) {
        if (resource.Type === type) found.push({ ...resource, stackName, logicalId });
      }
    }
    return found;
  }

  resource(stackName: string, logicalId: string): LocatedResource | undefined {
    const resource = this.templates.get(stackName)?.Resources[logicalId];
    return resource ? { ...resource, stackName, logicalId } : undefined;
  }

  /** The local name of a resource: unique across stacks and stable across restarts. */
  static localName(stackName: string, logicalId: string): string {
    return `${stackName}-${logicalId}`;
  }

  /** Finds the resource a `Ref`, `Fn::GetAtt` or cross-stack `Fn::ImportValue` points at. */
  referencedResource(stackName: string, value: unknown): { resource: LocatedResource; attribute: string | null } | undefined {
    if (!value || typeof value !== 'object') return undefined;
    const object = value as Record<string, unknown>;
    if (typeof object.Ref === 'string') {
      const resource = this.resource(stackName, object.Ref);
      return resource ? { resource, attribute: null } : undefined;
    }
    const getAtt = object['Fn::GetAtt'];
    if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') {
      const resource = this.resource(stackName, getAtt[0]);
      return resource ? { resource, attribute: String(getAtt[1]) } : undefined;
    }
    const imported = object['Fn::ImportValue'];
    if (typeof imported === 'string') return this.exportedValue(imported);
    return undefined;
  }

  private exportedValue(exportName: string): { resource: LocatedResource; attribute: string | null } | undefined {
    for (const [stackName, template] of this.templates) {
      const outputs = (template as { Outputs?: Record<string, { Value: unknown; Export?: { Name: string } }> }).Outputs ?? {};
      for (const output of Object.values(outputs)) {
        if (output.Export?.Name === exportName) return this.referencedResource(stackName, output.Value);
      }
    }
    return undefined;
  }

  /** Functions with the source module that implements each, from the construct's metadata. */
  functions(): Array<LocatedResource & { entry: string }> {
    return this.resourcesOfType('AWS::Lambda::Function').flatMap((resource) => {
      const entry = resource.Metadata?.[LOCAL_ENTRY_METADATA];
      return typeof entry === 'string' ? [{ ...resource, entry }] : [];
    });
  }
}

/** A fake but well-formed ARN for a local resource. */
export function localArn(resource: LocatedResource, attribute: string | null, region: string, account: string): string {
  const name = SynthesizedApp.localName(resource.stackName, resource.logicalId);
  switch (resource.Type) {
    case 'AWS::DynamoDB::Table':
      if (attribute === 'StreamArn') return `arn:aws:dynamodb:${region}:${account}:table/${name}/stream/local`;
      return attribute === 'Arn' ? `arn:aws:dynamodb:${region}:${account}:table/${name}` : name;
    case 'AWS::Lambda::Function':
      return attribute === 'Arn' ? `arn:aws:lambda:${region}:${account}:function:${name}` : name;
    case 'AWS::SQS::Queue':
      return attribute === 'Arn' ? `arn:aws:sqs:${region}:${account}:${name}` : `http://sqs.local/${account}/${name}`;
    case 'AWS::SNS::Topic':
      return `arn:aws:sns:${region}:${account}:${name}`;
    case 'AWS::SecretsManager::Secret':
      return `arn:aws:secretsmanager:${region}:${account}:secret:${name}`;
    case 'AWS::StepFunctions::StateMachine':
      return attribute === 'Name' ? name : `arn:aws:states:${region}:${account}:stateMachine:${name}`;
    default:
      return attribute ? `arn:aws:local:${region}:${account}:${name}/${attribute}` : name;
  }
}
