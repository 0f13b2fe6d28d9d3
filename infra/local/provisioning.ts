import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SFNClient } from '@aws-sdk/client-sfn';
import { CreateQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import type { DynamoDbLocal } from './dynamodb-local';
import type { MessagingEmulators } from './emulators';
import { LOCAL_ACCOUNT, LOCAL_CREDENTIALS, LOCAL_REGION } from './local-aws';
import {
  LocalStepFunctions,
  firstResolver,
  sdkIntegrationHandler,
  startStepFunctionsServer,
  type StepFunctionsServer,
  type TaskHandlerResolver,
} from './step-functions';
import { SynthesizedApp, validatedDefinitionsCache, type LocatedResource } from './template';
import type { VirtualClock } from './virtual-clock';

/** Creates the template's tables in DynamoDB Local; returns the new ones and every local name by logical id. */
export async function provisionTables(dynamodb: DynamoDbLocal, app: SynthesizedApp): Promise<{ created: string[]; tables: Map<string, string> }> {
  const created = await dynamodb.createTablesFrom(app);
  const tables = new Map<string, string>();
  for (const table of app.resourcesOfType('AWS::DynamoDB::Table')) tables.set(table.logicalId, SynthesizedApp.localName(table.stackName, table.logicalId));
  return { created, tables };
}

/** The template's queues and topics in the SNS/SQS emulator, under their local names. */
export class LocalQueues {
  private readonly urls = new Map<string, string>();

  constructor(
    private readonly app: SynthesizedApp,
    private readonly emulators: MessagingEmulators,
  ) {}

  sqsClient(): SQSClient {
    return new SQSClient({ endpoint: this.emulators.snsSqsEndpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  }

  snsClient(): SNSClient {
    return new SNSClient({ endpoint: this.emulators.snsSqsEndpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  }

  async create(): Promise<void> {
    const sqs = this.sqsClient();
    // Dead-letter queues first, so a queue's redrive policy can name its DLQ's ARN.
    const queues = this.app.resourcesOfType('AWS::SQS::Queue');
    const hasRedrive = (queue: LocatedResource) => Boolean(queue.Properties?.RedrivePolicy);
    for (const queue of [...queues.filter((q) => !hasRedrive(q)), ...queues.filter(hasRedrive)]) {
      const fifo = queue.Properties?.FifoQueue === true;
      const name = SynthesizedApp.localName(queue.stackName, queue.logicalId) + (fifo ? '.fifo' : '');
      const redrive = queue.Properties?.RedrivePolicy as { deadLetterTargetArn: unknown; maxReceiveCount: number } | undefined;
      const dlq = redrive ? this.app.referencedResource(queue.stackName, redrive.deadLetterTargetArn) : undefined;
      const created = await sqs.send(
        new CreateQueueCommand({
          QueueName: name,
          Attributes: {
            VisibilityTimeout: String(queue.Properties?.VisibilityTimeout ?? 30),
            ...(fifo ? { FifoQueue: 'true', ContentBasedDeduplication: String(queue.Properties?.ContentBasedDeduplication === true) } : {}),
            ...(redrive && dlq
              ? {
                  RedrivePolicy: JSON.stringify({
                    deadLetterTargetArn: `arn:aws:sqs:${LOCAL_REGION}:${LOCAL_ACCOUNT}:${SynthesizedApp.localName(dlq.resource.stackName, dlq.resource.logicalId)}`,
                    maxReceiveCount: redrive.maxReceiveCount,
                  }),
                }
              : {}),
          },
        }),
      );
      this.urls.set(`${queue.stackName}/${queue.logicalId}`, created.QueueUrl!);
    }
    const sns = this.snsClient();
    for (const topic of this.app.resourcesOfType('AWS::SNS::Topic')) {
      await sns.send(new CreateTopicCommand({ Name: SynthesizedApp.localName(topic.stackName, topic.logicalId) }));
    }
  }

  /** The emulator URL of a template queue (created by `create`). */
  urlOf(resource: LocatedResource): string {
    const url = this.urls.get(`${resource.stackName}/${resource.logicalId}`);
    if (!url) throw new Error(`queue ${resource.logicalId} was not created locally`);
    return url;
  }
}

export interface LocalStateMachine {
  arn: string;
  name: string;
  definition: string;
  type: 'STANDARD' | 'EXPRESS';
}

/**
 * The local Step Functions engine on the virtual clock: Lambda tasks go to `lambdaTasks`, SDK
 * integrations to clients of the local services; its API is served on `ports.stepFunctions`.
 */
export async function startLocalStepFunctions(options: {
  clock: VirtualClock;
  lambdaTasks: TaskHandlerResolver;
  machines: LocalStateMachine[];
  endpoints: { dynamodb: string; ses: string; snsSqs: string };
  /** The runtime's DynamoDB Local credentials (its access key selects its database). */
  dynamodbCredentials: { accessKeyId: string; secretAccessKey: string };
  ports: { stepFunctions: number; eventBridge: number };
}): Promise<{ engine: LocalStepFunctions; server: StepFunctionsServer }> {
  const endpointOptions = { region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
  const { endpoints, ports } = options;
  const engine = new LocalStepFunctions({
    clock: options.clock,
    validatedDefinitions: validatedDefinitionsCache,
    taskHandlers: firstResolver(
      options.lambdaTasks,
      sdkIntegrationHandler({
        dynamodb: new DynamoDBClient({ endpoint: endpoints.dynamodb, region: LOCAL_REGION, credentials: options.dynamodbCredentials }),
        sqs: new SQSClient({ endpoint: endpoints.snsSqs, ...endpointOptions }),
        sns: new SNSClient({ endpoint: endpoints.snsSqs, ...endpointOptions }),
        sesv2: new SESv2Client({ endpoint: endpoints.ses, ...endpointOptions }),
        eventbridge: new EventBridgeClient({ endpoint: `http://127.0.0.1:${ports.eventBridge}`, ...endpointOptions }),
        sfn: new SFNClient({ endpoint: `http://127.0.0.1:${ports.stepFunctions}`, ...endpointOptions }),
      }),
    ),
  });
  for (const machine of options.machines) engine.registerStateMachine(machine);
  const server = await startStepFunctionsServer({ port: ports.stepFunctions, engine });
  return { engine, server };
}
