import { LOCAL_ACCOUNT, LOCAL_REGION } from './local-aws';
import { localArn, type LocatedResource, type SynthesizedApp } from './template';

/** Where the values the template only knows at deploy time live on this machine. */
export interface LocalEndpoints {
  readonly apiUrl: string;
  queueUrlOf(resource: LocatedResource): string;
}

/**
 * CloudFormation intrinsics, resolved against the local system: pseudo parameters (`Ref` to
 * AWS::Region, AWS::AccountId, AWS::Partition, AWS::URLSuffix), `Fn::Join`, and references
 * (`Ref`, `Fn::GetAtt`, `Fn::ImportValue`) to resources, which become local ARNs, the local API
 * URL, or the emulator's queue URLs.
 */
export class TemplateValues {
  constructor(
    private readonly app: SynthesizedApp,
    private readonly endpoints: LocalEndpoints,
  ) {}

  /** The string `raw` stands for in `stackName`; throws on anything it cannot resolve locally. */
  resolve(stackName: string, raw: unknown): string {
    if (typeof raw === 'string') return raw;
    if (raw && typeof raw === 'object') {
      const object = raw as Record<string, unknown>;
      if (object.Ref === 'AWS::Region') return LOCAL_REGION;
      if (object.Ref === 'AWS::AccountId') return LOCAL_ACCOUNT;
      if (object.Ref === 'AWS::Partition') return 'aws';
      if (object.Ref === 'AWS::URLSuffix') return 'amazonaws.com';
      const join = object['Fn::Join'];
      if (Array.isArray(join)) return (join[1] as unknown[]).map((part) => this.resolve(stackName, part)).join(String(join[0]));
      const referenced = this.app.referencedResource(stackName, raw);
      if (referenced?.resource.Type === 'AWS::ApiGatewayV2::Api' && referenced.attribute === 'ApiEndpoint') return this.endpoints.apiUrl;
      if (referenced?.resource.Type === 'AWS::SQS::Queue' && referenced.attribute === null) return this.endpoints.queueUrlOf(referenced.resource);
      if (referenced?.resource.Type === 'AWS::SQS::Queue' && referenced.attribute === 'QueueUrl') return this.endpoints.queueUrlOf(referenced.resource);
      if (referenced) return localArn(referenced.resource, referenced.attribute, LOCAL_REGION, LOCAL_ACCOUNT);
    }
    throw new Error(`cannot resolve ${JSON.stringify(raw)} in stack ${stackName} for the local runtime`);
  }

  /** The function a reference (an ARN, a name, a `Ref`) points at; throws if it is not one. */
  functionOf(stackName: string, reference: unknown): LocatedResource {
    const referenced = this.app.referencedResource(stackName, reference);
    if (!referenced || referenced.resource.Type !== 'AWS::Lambda::Function') throw new Error(`not a function reference: ${JSON.stringify(reference)}`);
    return referenced.resource;
  }
}
