import * as dynamodbCommands from '@aws-sdk/client-dynamodb';
import * as eventbridgeCommands from '@aws-sdk/client-eventbridge';
import * as sesv2Commands from '@aws-sdk/client-sesv2';
import * as sfnCommands from '@aws-sdk/client-sfn';
import * as snsCommands from '@aws-sdk/client-sns';
import * as sqsCommands from '@aws-sdk/client-sqs';
import { StatesTaskError, UnsupportedIntegrationError } from './errors';
import type { TaskHandler, TaskHandlerResolver } from './task-runner';

/** Anything that sends AWS SDK v3 commands: the real clients, pointed at the local emulators. */
export interface SdkClient {
  send(command: object): Promise<unknown>;
}

/** The SDK clients the integrations call, by the service name used in `aws-sdk:<service>:<action>`. */
export interface SdkClients {
  dynamodb?: SdkClient;
  sqs?: SdkClient;
  sns?: SdkClient;
  eventbridge?: SdkClient;
  sesv2?: SdkClient;
  sfn?: SdkClient;
}

type ServiceKey = keyof SdkClients;

interface SdkService {
  commands: Record<string, unknown>;
  /** How Step Functions prefixes this service's errors in `aws-sdk:` integrations (`DynamoDb.X`). */
  sdkErrorPrefix: string;
}

const SERVICES: Record<ServiceKey, SdkService> = {
  dynamodb: { commands: dynamodbCommands, sdkErrorPrefix: 'DynamoDb' },
  sqs: { commands: sqsCommands, sdkErrorPrefix: 'Sqs' },
  sns: { commands: snsCommands, sdkErrorPrefix: 'Sns' },
  eventbridge: { commands: eventbridgeCommands, sdkErrorPrefix: 'EventBridge' },
  sesv2: { commands: sesv2Commands, sdkErrorPrefix: 'SesV2' },
  sfn: { commands: sfnCommands, sdkErrorPrefix: 'Sfn' },
};

/**
 * Optimized integrations the handler emulates: `arn:aws:states:::<resource>:<action>` → the SDK
 * service and the error prefix Step Functions uses for them (`DynamoDB.ConditionalCheckFailedException`,
 * `StepFunctions.ExecutionAlreadyExistsException`).
 */
const OPTIMIZED: Record<string, { service: ServiceKey; errorPrefix: string; actions: string[] }> = {
  dynamodb: { service: 'dynamodb', errorPrefix: 'DynamoDB', actions: ['getItem', 'putItem', 'updateItem', 'deleteItem'] },
  states: { service: 'sfn', errorPrefix: 'StepFunctions', actions: ['startExecution'] },
  sqs: { service: 'sqs', errorPrefix: 'SQS', actions: ['sendMessage'] },
  sns: { service: 'sns', errorPrefix: 'SNS', actions: ['publish'] },
  events: { service: 'eventbridge', errorPrefix: 'EventBridge', actions: ['putEvents'] },
};

/** A parsed service-integration Resource. */
export interface IntegrationTarget {
  kind: 'aws-sdk' | 'optimized';
  service: ServiceKey;
  /** camelCase, as in the Resource. */
  action: string;
  errorPrefix: string;
  pattern: 'request-response' | 'waitForTaskToken';
}

const INTEGRATION_RESOURCE = /^arn:aws[\w-]*:states:::(aws-sdk:)?([a-z0-9-]+):([A-Za-z0-9]+)(?:\.(\w+(?::\d+)?))?$/;

/**
 * Reads a Step Functions service-integration Resource. Returns `undefined` for resources that are
 * not integrations this handler emulates (a Lambda ARN, an unknown service); throws for a
 * `.sync` pattern, which needs the target's completion and is not emulated.
 */
export function parseIntegrationResource(resource: string): IntegrationTarget | undefined {
  const match = INTEGRATION_RESOURCE.exec(resource);
  if (!match) return undefined;
  const [, sdkPrefix, serviceName = '', action = '', suffix] = match;
  if (suffix !== undefined && suffix !== 'waitForTaskToken') {
    throw new UnsupportedIntegrationError(`${resource}: the .${suffix} integration pattern is not emulated locally; use request-response or .waitForTaskToken`);
  }
  const pattern = suffix === 'waitForTaskToken' ? 'waitForTaskToken' : 'request-response';
  if (sdkPrefix) {
    if (!(serviceName in SERVICES)) return undefined;
    const service = serviceName as ServiceKey;
    return { kind: 'aws-sdk', service, action, errorPrefix: SERVICES[service].sdkErrorPrefix, pattern };
  }
  const optimized = OPTIMIZED[serviceName];
  if (!optimized || !optimized.actions.includes(action)) return undefined;
  return { kind: 'optimized', service: optimized.service, action, errorPrefix: optimized.errorPrefix, pattern };
}

/** Step Functions always puts an `Exception` suffix on integration error names, even where the API does not. */
export function integrationErrorName(errorPrefix: string, sdkErrorName: string): string {
  return `${errorPrefix}.${sdkErrorName.endsWith('Exception') ? sdkErrorName : `${sdkErrorName}Exception`}`;
}

function isCommandConstructor(value: unknown): value is new (input: unknown) => object {
  return typeof value === 'function';
}

/** The SDK's `$metadata` is transport detail; Step Functions returns only the service's answer. */
function withoutMetadata(output: unknown): unknown {
  if (typeof output !== 'object' || output === null || Array.isArray(output)) return output;
  return Object.fromEntries(Object.entries(output).filter(([key]) => key !== '$metadata'));
}

/** Errors from the service keep their name under the prefix; client-side failures become SdkClientException. */
function asIntegrationError(target: IntegrationTarget, thrown: unknown): StatesTaskError {
  const isServiceError = typeof thrown === 'object' && thrown !== null && '$fault' in thrown;
  const name = isServiceError && thrown instanceof Error ? thrown.name : 'SdkClientException';
  const message = thrown instanceof Error ? thrown.message : String(thrown);
  return new StatesTaskError(integrationErrorName(target.errorPrefix, name), message, { cause: thrown });
}

/**
 * Resolves `arn:aws:states:::aws-sdk:<service>:<action>` and the optimized integrations
 * (`dynamodb:getItem|putItem|updateItem|deleteItem`, `states:startExecution`, `sqs:sendMessage`,
 * `sns:publish`, `events:putEvents`) to calls on the given SDK v3 clients. Parameters are passed as
 * the command input unchanged: PascalCase, DynamoDB JSON for DynamoDB, as the real integrations
 * take them. Errors are renamed as Step Functions names them so Retry and Catch match.
 * Returns `undefined` for other resources, so it composes with a Lambda resolver.
 */
export function sdkIntegrationHandler(clients: SdkClients): TaskHandlerResolver {
  return (resource) => {
    const target = parseIntegrationResource(resource);
    if (!target) return undefined;
    const client = clients[target.service];
    if (!client) {
      throw new UnsupportedIntegrationError(`${resource}: no ${target.service} client was given to sdkIntegrationHandler`);
    }
    const commandName = `${target.action.charAt(0).toUpperCase()}${target.action.slice(1)}Command`;
    const Command = SERVICES[target.service].commands[commandName];
    if (!isCommandConstructor(Command)) {
      throw new UnsupportedIntegrationError(`${resource}: the ${target.service} SDK has no ${commandName}`);
    }
    const handler: TaskHandler = async (input) => {
      try {
        return withoutMetadata(await client.send(new Command(input)));
      } catch (error) {
        throw asIntegrationError(target, error);
      }
    };
    return handler;
  };
}

/** The first resolver that knows a resource wins: e.g. `firstResolver(lambdas, sdkIntegrationHandler(clients))`. */
export function firstResolver(...resolvers: TaskHandlerResolver[]): TaskHandlerResolver {
  return (resource, state) => {
    for (const resolve of resolvers) {
      const handler = resolve(resource, state);
      if (handler) return handler;
    }
    return undefined;
  };
}
