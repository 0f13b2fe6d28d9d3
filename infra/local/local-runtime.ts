import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT } from '../constructs/rekindle-function';
import { installRuntimeClock } from '../../shared/adapters/runtime-clock';
import { loadOrCreateCredentials, type LocalCredentials } from './credentials';
import { DynamoDbLocal } from './dynamodb-local';
import { MessagingEmulators } from './emulators';
import { HttpGateway, type ControlRoute, type GatewayRoute, type HttpLambda, type RouteAuth } from './http-gateway';
import { LOCAL_ACCOUNT, LOCAL_CREDENTIALS, LOCAL_REGION } from './local-aws';
import { requireJava, requirePortFree } from './preflight';
import { StreamEventSources, type StreamHandler, type StreamSubscription } from './stream-event-sources';
import { SynthesizedApp, localArn, type LocatedResource } from './template';
import { VirtualClock } from './virtual-clock';
import { parseDuration } from './duration';
import { CreateQueueCommand, GetQueueAttributesCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SFNClient } from '@aws-sdk/client-sfn';
import { LocalStepFunctions, firstResolver, sdkIntegrationHandler, startStepFunctionsServer, type StepFunctionsServer, type TaskHandlerResolver } from './step-functions';
import { LocalScheduler, type LocalSchedule } from './schedules';
import { QueueEventSources, type QueueSubscription, type QueueHandler } from './queue-event-sources';
import { LocalEventBus, type BusRule } from './event-bus';
import { lambdaContext } from './http-gateway';
import { randomUUID } from 'node:crypto';

export interface LocalRuntimeOptions {
  /** Folder for DynamoDB data, the clock and credentials; null keeps everything in memory. */
  dataDir: string | null;
  ports: LocalPorts;
  /** Log level of the handlers' Powertools logger. */
  logLevel?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  /** Called once the system is up and the data store is empty (seeding). */
  onEmptyStore?: (runtime: LocalRuntime) => Promise<void>;
  /** Progress lines for a person watching the start. */
  report?: (line: string) => void;
}

export interface LocalPorts {
  api: number;
  dynamodb: number;
  ses: number;
  snsSqs: number;
  stepFunctions: number;
  eventBridge: number;
}

export const DEFAULT_PORTS: LocalPorts = { api: 3000, dynamodb: 8000, ses: 8005, snsSqs: 4566, stepFunctions: 8083, eventBridge: 8084 };
export const DEFAULT_DATA_DIR = '.rekindle/data';

type AnyHandler = (event: unknown, context?: unknown) => Promise<unknown>;

/**
 * The whole system on one machine: synthesizes the same CDK app `cdk deploy` ships, creates its
 * tables in DynamoDB Local, wires its event source mappings and HTTP routes to the same handler
 * modules, starts the SES and SNS/SQS emulators, and runs everything on a controllable clock.
 */
export class LocalRuntime {
  readonly clock: VirtualClock;
  readonly credentials: LocalCredentials;
  readonly dynamodb: DynamoDbLocal;
  readonly emulators: MessagingEmulators;
  readonly app: SynthesizedApp;
  private gateway: HttpGateway | undefined;
  private streams: StreamEventSources | undefined;
  private queues: QueueEventSources | undefined;
  private scheduler: LocalScheduler | undefined;
  private bus: LocalEventBus | undefined;
  private sfnServer: StepFunctionsServer | undefined;
  /** The template's state machines, run by the local engine on the virtual clock. */
  stepFunctions: LocalStepFunctions | undefined;
  private readonly queueUrls = new Map<string, string>();
  private readonly functionArns = new Map<string, string>();
  private inFlightInvocations = 0;
  private readonly handlers = new Map<string, AnyHandler>();
  private readonly controls: ControlRoute[] = [];
  /** Local names of the template's tables, by logical id. */
  readonly tables = new Map<string, string>();

  private constructor(
    readonly options: LocalRuntimeOptions,
    app: SynthesizedApp,
  ) {
    this.app = app;
    const dataDir = options.dataDir ? resolve(options.dataDir) : null;
    this.credentials = loadOrCreateCredentials(dataDir ? join(dataDir, 'credentials.json') : null);
    this.clock = new VirtualClock({ offsetMs: readClockOffset(dataDir) });
    this.dynamodb = new DynamoDbLocal(options.ports.dynamodb, dataDir ? join(dataDir, 'dynamodb') : null);
    this.emulators = new MessagingEmulators({ ses: options.ports.ses, snsSqs: options.ports.snsSqs });
  }

  get apiUrl(): string {
    return `http://127.0.0.1:${this.options.ports.api}`;
  }

  private get dataDir(): string | null {
    return this.options.dataDir ? resolve(this.options.dataDir) : null;
  }

  /** Starts everything, in dependency order; on failure, stops what had started. */
  static async start(options: LocalRuntimeOptions, app: SynthesizedApp = SynthesizedApp.synthesize()): Promise<LocalRuntime> {
    const runtime = new LocalRuntime(options, app);
    try {
      await runtime.boot();
      return runtime;
    } catch (error) {
      await runtime.stop();
      throw error;
    }
  }

  private async boot(): Promise<void> {
    const report = this.options.report ?? (() => undefined);
    requireJava();
    const { ports } = this.options;
    await requirePortFree(ports.api, 'the HTTP API', '--port');
    await requirePortFree(ports.dynamodb, 'DynamoDB Local', '--dynamodb-port');
    await requirePortFree(ports.ses, 'the SES emulator', '--ses-port');
    await requirePortFree(ports.snsSqs, 'the SNS/SQS emulator', '--sns-port');
    await requirePortFree(ports.stepFunctions, 'the Step Functions endpoint', '--sfn-port');
    await requirePortFree(ports.eventBridge, 'the EventBridge endpoint', '--events-port');
    if (this.dataDir) mkdirSync(this.dataDir, { recursive: true });

    report('starting DynamoDB Local');
    await this.dynamodb.start();
    const created = await this.dynamodb.createTablesFrom(this.app);
    for (const table of this.app.resourcesOfType('AWS::DynamoDB::Table')) this.tables.set(table.logicalId, SynthesizedApp.localName(table.stackName, table.logicalId));
    report(created.length ? `created tables: ${created.join(', ')}` : `tables ready: ${[...this.tables.values()].join(', ')}`);

    report('starting the SES and SNS/SQS emulators');
    await this.emulators.start();

    await this.createQueuesAndTopics();
    this.configureProcessEnvironment();
    installRuntimeClock(this.clock);
    await this.loadHandlers();
    await this.startStepFunctions();
    await this.startEventBus();

    const streamSubscriptions = this.streamSubscriptions();
    const checkpointFile = this.dataDir ? join(this.dataDir, 'stream-checkpoints.json') : null;
    const firstStart = !checkpointFile || !existsSync(checkpointFile);
    this.streams = new StreamEventSources(this.dynamodb.client, this.dynamodb.endpoint, { region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS }, streamSubscriptions, checkpointFile);

    if (this.options.onEmptyStore && firstStart) {
      // Seeding writes aggregates itself; the stream consumer starts at the tip afterwards.
      await this.options.onEmptyStore(this);
      this.streams.start({ fromLatest: true });
    } else {
      this.streams.start({ fromLatest: false });
    }
    this.queues = new QueueEventSources(this.sqsClient(), await this.queueSubscriptions());
    this.queues.start();
    this.scheduler = new LocalScheduler(this.clock);
    this.scheduler.start(this.schedules());

    this.addControlRoutes();
    this.gateway = new HttpGateway(this.gatewayRoutes(), this.controls, this.credentials);
    await this.gateway.listen(ports.api);
    report(`HTTP API listening on ${this.apiUrl}`);
  }

  async stop(): Promise<void> {
    await this.gateway?.close();
    await this.scheduler?.stop();
    await this.stepFunctions?.stopAll().catch(() => undefined);
    await this.sfnServer?.close().catch(() => undefined);
    await this.bus?.close();
    await this.queues?.stop();
    await this.streams?.stop();
    this.saveClock();
    await this.emulators.stop().catch(() => undefined);
    await this.dynamodb.stop();
  }

  /**
   * Lets everything already set in motion finish: stream records delivered, queues drained, bus
   * deliveries done, and every execution either finished or waiting on the clock.
   */
  async settle(): Promise<void> {
    // Generous, because a shared 2-core machine can be slow; but never a silent early return,
    // which would let a caller assert on work still under way.
    const deadline = Date.now() + 300_000;
    for (let quiet = 0; quiet < 3; ) {
      if (Date.now() > deadline) {
        throw new Error(
          `settle: still busy after 300 s (invocations ${this.inFlightInvocations}, running executions ${this.stepFunctions?.runningExecutionCount ?? 0}, clock waiters ${this.clock.pending})`,
        );
      }
      await this.streams?.settle();
      const drained = (await this.queues?.drain()) ?? 0;
      const delivered = (await this.bus?.drain()) ?? false;
      // An execution between two states is neither in a task nor on the clock: wait until every
      // running execution is parked on the clock (each holds a clock waiter while it waits).
      const executionsOnClock = this.clock.pending - (this.scheduler?.waiting ?? 0);
      const executionsMoving = (this.stepFunctions?.runningExecutionCount ?? 0) > executionsOnClock;
      const busy = this.inFlightInvocations > 0 || this.queues?.busy === true || executionsMoving;
      quiet = drained === 0 && !delivered && !busy ? quiet + 1 : 0;
      await new Promise((resolve) => setTimeout(resolve, quiet > 0 ? 20 : 5));
    }
  }

  /** Invokes a function by (a prefix of) its logical id, as Lambda's Invoke would. */
  async invoke(logicalIdPrefix: string, event: unknown): Promise<unknown> {
    const fn = this.app.functions().find((candidate) => candidate.logicalId.startsWith(logicalIdPrefix));
    if (!fn) throw new Error(`no function whose logical id starts with ${logicalIdPrefix}`);
    return this.invokeLogical(fn.logicalId, event);
  }

  /** The local ARN of the state machine whose logical id starts with `logicalIdPrefix`. */
  stateMachineArn(logicalIdPrefix: string): string {
    const machine = this.app.resourcesOfType('AWS::StepFunctions::StateMachine').find((candidate) => candidate.logicalId.startsWith(logicalIdPrefix));
    if (!machine) throw new Error(`no state machine whose logical id starts with ${logicalIdPrefix}`);
    return localArn(machine, null, LOCAL_REGION, LOCAL_ACCOUNT);
  }

  /** The emulator URL of the queue whose logical id starts with `logicalIdPrefix`. */
  queueUrl(logicalIdPrefix: string): string {
    const queue = this.app.resourcesOfType('AWS::SQS::Queue').find((candidate) => candidate.logicalId.startsWith(logicalIdPrefix));
    if (!queue) throw new Error(`no queue whose logical id starts with ${logicalIdPrefix}`);
    return this.queueUrlOf(queue);
  }

  /** The local ARN of the topic whose logical id starts with `logicalIdPrefix`. */
  topicArn(logicalIdPrefix: string): string {
    const topic = this.app.resourcesOfType('AWS::SNS::Topic').find((candidate) => candidate.logicalId.startsWith(logicalIdPrefix));
    if (!topic) throw new Error(`no topic whose logical id starts with ${logicalIdPrefix}`);
    return localArn(topic, null, LOCAL_REGION, LOCAL_ACCOUNT);
  }

  /** What the local scheduler has fired so far. */
  get scheduleLog() {
    return this.scheduler?.fired ?? [];
  }

  private async invokeLogical(logicalId: string, event: unknown): Promise<unknown> {
    this.inFlightInvocations += 1;
    try {
      const timeout = Number(this.app.functions().find((fn) => fn.logicalId === logicalId)?.Properties?.Timeout ?? 30);
      return await this.handlerOf(logicalId)(event, lambdaContext(logicalId, randomUUID(), timeout));
    } finally {
      this.inFlightInvocations -= 1;
    }
  }

  private sqsClient(): SQSClient {
    return new SQSClient({ endpoint: this.emulators.snsSqsEndpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  }

  /** Queues and topics of the template, created in the SNS/SQS emulator under their local names. */
  private async createQueuesAndTopics(): Promise<void> {
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
      this.queueUrls.set(`${queue.stackName}/${queue.logicalId}`, created.QueueUrl!);
    }
    const sns = new SNSClient({ endpoint: this.emulators.snsSqsEndpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
    for (const topic of this.app.resourcesOfType('AWS::SNS::Topic')) {
      await sns.send(new CreateTopicCommand({ Name: SynthesizedApp.localName(topic.stackName, topic.logicalId) }));
    }
  }

  private queueUrlOf(resource: LocatedResource): string {
    const url = this.queueUrls.get(`${resource.stackName}/${resource.logicalId}`);
    if (!url) throw new Error(`queue ${resource.logicalId} was not created locally`);
    return url;
  }

  private async queueSubscriptions(): Promise<QueueSubscription[]> {
    const sqs = this.sqsClient();
    const arnOf = async (url: string) =>
      (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }))).Attributes?.QueueArn ?? url;
    const subscriptions: QueueSubscription[] = [];
    for (const mapping of this.app.resourcesOfType('AWS::Lambda::EventSourceMapping')) {
      const source = this.app.referencedResource(mapping.stackName, mapping.Properties?.EventSourceArn);
      if (!source || source.resource.Type !== 'AWS::SQS::Queue') continue;
      const fn = this.functionOf(mapping.stackName, mapping.Properties?.FunctionName);
      const url = this.queueUrlOf(source.resource);
      subscriptions.push({
        queueUrl: url,
        queueArn: await arnOf(url),
        functionName: fn.logicalId,
        batchSize: Number(mapping.Properties?.BatchSize ?? 10),
        handler: ((event) => this.invokeLogical(fn.logicalId, event)) as QueueHandler,
        shape: 'sqs',
      });
    }
    // SNS → Lambda: the emulator delivers to a queue, which is polled and handed over as SNS records.
    const sns = new SNSClient({ endpoint: this.emulators.snsSqsEndpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
    for (const subscription of this.app.resourcesOfType('AWS::SNS::Subscription')) {
      if (subscription.Properties?.Protocol !== 'lambda') continue;
      const topic = this.app.referencedResource(subscription.stackName, subscription.Properties?.TopicArn);
      if (!topic) continue;
      const fn = this.functionOf(subscription.stackName, subscription.Properties?.Endpoint);
      const topicArn = localArn(topic.resource, null, LOCAL_REGION, LOCAL_ACCOUNT);
      const created = await sqs.send(new CreateQueueCommand({ QueueName: `sns-${subscription.logicalId}`.slice(0, 80) }));
      const queueArn = await arnOf(created.QueueUrl!);
      await sns.send(new SubscribeCommand({ TopicArn: topicArn, Protocol: 'sqs', Endpoint: queueArn }));
      subscriptions.push({
        queueUrl: created.QueueUrl!,
        queueArn,
        functionName: fn.logicalId,
        batchSize: 10,
        handler: ((event) => this.invokeLogical(fn.logicalId, event)) as QueueHandler,
        shape: 'sns',
        topicArn,
      });
    }
    return subscriptions;
  }

  /** Registers every state machine of the template with the local engine and serves its API. */
  private async startStepFunctions(): Promise<void> {
    for (const fn of this.app.functions()) this.functionArns.set(localArn(fn, 'Arn', LOCAL_REGION, LOCAL_ACCOUNT), fn.logicalId);
    const endpointOptions = { region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
    const lambdaResolver: TaskHandlerResolver = (resource) => {
      if (resource === 'arn:aws:states:::lambda:invoke') {
        return async (input) => {
          const { FunctionName, Payload } = input as { FunctionName: string; Payload?: unknown };
          const logicalId = this.functionArns.get(FunctionName) ?? FunctionName;
          return { ExecutedVersion: '$LATEST', StatusCode: 200, Payload: await this.invokeLogical(logicalId, Payload ?? {}) };
        };
      }
      const logicalId = this.functionArns.get(resource);
      return logicalId ? async (input) => this.invokeLogical(logicalId, input) : undefined;
    };
    const engine = new LocalStepFunctions({
      clock: this.clock,
      taskHandlers: firstResolver(
        lambdaResolver,
        sdkIntegrationHandler({
          dynamodb: new DynamoDBClient({ endpoint: this.dynamodb.endpoint, ...endpointOptions }),
          sqs: this.sqsClient(),
          sns: new SNSClient({ endpoint: this.emulators.snsSqsEndpoint, ...endpointOptions }),
          sesv2: new SESv2Client({ endpoint: this.emulators.sesEndpoint, ...endpointOptions }),
          eventbridge: new EventBridgeClient({ endpoint: `http://127.0.0.1:${this.options.ports.eventBridge}`, ...endpointOptions }),
          sfn: new SFNClient({ endpoint: `http://127.0.0.1:${this.options.ports.stepFunctions}`, ...endpointOptions }),
        }),
      ),
    });
    this.stepFunctions = engine;
    for (const machine of this.app.resourcesOfType('AWS::StepFunctions::StateMachine')) {
      const raw = machine.Properties?.DefinitionString ?? machine.Properties?.Definition;
      const definition = typeof raw === 'string' || (raw && typeof raw === 'object' && ('Fn::Join' in raw || 'Ref' in raw)) ? this.resolveValue(machine.stackName, raw) : JSON.stringify(raw);
      const substitutions = (machine.Properties?.DefinitionSubstitutions ?? {}) as Record<string, unknown>;
      const substituted = Object.entries(substitutions).reduce(
        (text, [key, value]) => text.split('${' + key + '}').join(this.resolveValue(machine.stackName, value)),
        definition,
      );
      engine.registerStateMachine({
        arn: localArn(machine, null, LOCAL_REGION, LOCAL_ACCOUNT),
        name: SynthesizedApp.localName(machine.stackName, machine.logicalId),
        definition: substituted,
        type: machine.Properties?.StateMachineType === 'EXPRESS' ? 'EXPRESS' : 'STANDARD',
      });
    }
    this.sfnServer = await startStepFunctionsServer({ port: this.options.ports.stepFunctions, engine });
  }

  /** The template's EventBridge rules, delivering to state machines, functions and queues. */
  private async startEventBus(): Promise<void> {
    const rules: BusRule[] = this.app.resourcesOfType('AWS::Events::Rule').flatMap((rule) => {
      const properties = rule.Properties ?? {};
      if (!properties.EventPattern || properties.State === 'DISABLED') return [];
      const busRef = properties.EventBusName;
      const busName = busRef === undefined ? 'default' : this.resolveValue(rule.stackName, busRef).split('/').pop()!;
      const targets = ((properties.Targets ?? []) as Array<Record<string, unknown>>).map((target) => {
        const referenced = this.app.referencedResource(rule.stackName, target.Arn);
        const id = String(target.Id);
        const inputOf = (event: unknown) => (target.Input ? String(target.Input) : JSON.stringify(event));
        if (referenced?.resource.Type === 'AWS::StepFunctions::StateMachine') {
          const arn = localArn(referenced.resource, null, LOCAL_REGION, LOCAL_ACCOUNT);
          return { id, deliver: async (event: unknown) => void (await this.stepFunctions!.startExecution({ stateMachineArn: arn, input: inputOf(event) })) };
        }
        if (referenced?.resource.Type === 'AWS::Lambda::Function') {
          const logicalId = referenced.resource.logicalId;
          return { id, deliver: async (event: unknown) => void (await this.invokeLogical(logicalId, JSON.parse(inputOf(event)))) };
        }
        if (referenced?.resource.Type === 'AWS::SQS::Queue') {
          const url = this.queueUrlOf(referenced.resource);
          return { id, deliver: async (event: unknown) => void (await this.sqsClient().send(new SendMessageCommand({ QueueUrl: url, MessageBody: inputOf(event) }))) };
        }
        throw new Error(`rule ${rule.logicalId}: the local bus cannot deliver to ${JSON.stringify(target.Arn)}`);
      });
      return [{ name: rule.logicalId, busName, pattern: properties.EventPattern as Record<string, unknown>, targets }];
    });
    this.bus = new LocalEventBus(rules, () => this.clock.now());
    await this.bus.listen(this.options.ports.eventBridge);
  }

  /** The template's EventBridge Scheduler schedules, fired on the virtual clock. */
  private schedules(): LocalSchedule[] {
    return this.app.resourcesOfType('AWS::Scheduler::Schedule').flatMap((schedule) => {
      const properties = schedule.Properties ?? {};
      if (properties.State === 'DISABLED') return [];
      const target = properties.Target as { Arn: unknown; Input?: string };
      const referenced = this.app.referencedResource(schedule.stackName, target.Arn);
      if (!referenced) throw new Error(`schedule ${schedule.logicalId}: cannot resolve its target`);
      const inputAt = (time: Date) => (target.Input ?? '{}').split('<aws.scheduler.scheduled-time>').join(time.toISOString().replace(/\.\d{3}Z$/, 'Z'));
      const fire = async (time: Date): Promise<void> => {
        if (referenced.resource.Type === 'AWS::StepFunctions::StateMachine') {
          await this.stepFunctions!.startExecution({ stateMachineArn: localArn(referenced.resource, null, LOCAL_REGION, LOCAL_ACCOUNT), input: inputAt(time) });
        } else if (referenced.resource.Type === 'AWS::Lambda::Function') {
          await this.invokeLogical(referenced.resource.logicalId, JSON.parse(inputAt(time)));
        } else {
          throw new Error(`schedule ${schedule.logicalId}: the local scheduler cannot fire ${referenced.resource.Type}`);
        }
      };
      return [{ name: schedule.logicalId, expression: String(properties.ScheduleExpression), timezone: String(properties.ScheduleExpressionTimezone ?? 'UTC'), fire }];
    });
  }

  /** Failures the event source mappings gave up on (the local dead-letter record). */
  get streamFailures() {
    return this.streams?.failures ?? [];
  }

  /** Adds a `/local/...` control route (marketer token required). */
  addControlRoute(route: ControlRoute): void {
    this.controls.push(route);
  }

  /** A handler module by function logical id, loaded from the template's entry metadata. */
  handlerOf(logicalId: string): AnyHandler {
    const handler = this.handlers.get(logicalId);
    if (!handler) throw new Error(`no local handler for function ${logicalId}`);
    return handler;
  }

  saveClock(): void {
    if (this.dataDir) writeFileSync(join(this.dataDir, 'clock.json'), JSON.stringify({ offsetMs: this.clock.offset }));
  }

  /** Every function's environment, resolved against local names; one process holds them all. */
  private configureProcessEnvironment(): void {
    const merged: Record<string, string> = {};
    for (const fn of this.app.functions()) {
      const variables = ((fn.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {}) as Record<string, unknown>;
      for (const [name, raw] of Object.entries(variables)) {
        const value = this.resolveValue(fn.stackName, raw);
        if (name in merged && merged[name] !== value) {
          throw new Error(`functions disagree on ${name} (${merged[name]} vs ${value}); the local runtime runs them in one process`);
        }
        merged[name] = value;
      }
    }
    Object.assign(process.env, merged, {
      AWS_REGION: LOCAL_REGION,
      AWS_DEFAULT_REGION: LOCAL_REGION,
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
      AWS_ENDPOINT_URL_DYNAMODB: this.dynamodb.endpoint,
      AWS_ENDPOINT_URL_DYNAMODB_STREAMS: this.dynamodb.endpoint,
      AWS_ENDPOINT_URL_SESV2: this.emulators.sesEndpoint,
      AWS_ENDPOINT_URL_SES: this.emulators.sesEndpoint,
      AWS_ENDPOINT_URL_SNS: this.emulators.snsSqsEndpoint,
      AWS_ENDPOINT_URL_SQS: this.emulators.snsSqsEndpoint,
      AWS_ENDPOINT_URL_SFN: `http://127.0.0.1:${this.options.ports.stepFunctions}`,
      AWS_ENDPOINT_URL_EVENTBRIDGE: `http://127.0.0.1:${this.options.ports.eventBridge}`,
      POWERTOOLS_LOG_LEVEL: this.options.logLevel ?? 'WARN',
      POWERTOOLS_TRACE_ENABLED: 'false',
      POWERTOOLS_DEV: 'true',
      REKINDLE_LOCAL: 'true',
      // In AWS the signing key comes from Secrets Manager; locally from the data folder's credentials.
      REKINDLE_UNSUBSCRIBE_SIGNING_KEY: this.credentials.unsubscribeSigningKey,
    });
    delete process.env.AWS_PROFILE;
  }

  private async loadHandlers(): Promise<void> {
    for (const fn of this.app.functions()) {
      const module = (await import(pathToFileURL(join(REPO_ROOT, fn.entry)).href)) as { handler?: AnyHandler };
      if (typeof module.handler !== 'function') throw new Error(`${fn.entry} does not export a handler`);
      this.handlers.set(fn.logicalId, module.handler);
    }
  }

  private resolveValue(stackName: string, raw: unknown): string {
    if (typeof raw === 'string') return raw;
    if (raw && typeof raw === 'object') {
      const object = raw as Record<string, unknown>;
      if (object.Ref === 'AWS::Region') return LOCAL_REGION;
      if (object.Ref === 'AWS::AccountId') return LOCAL_ACCOUNT;
      if (object.Ref === 'AWS::Partition') return 'aws';
      if (object.Ref === 'AWS::URLSuffix') return 'amazonaws.com';
      const join = object['Fn::Join'];
      if (Array.isArray(join)) return (join[1] as unknown[]).map((part) => this.resolveValue(stackName, part)).join(String(join[0]));
      const referenced = this.app.referencedResource(stackName, raw);
      if (referenced?.resource.Type === 'AWS::ApiGatewayV2::Api' && referenced.attribute === 'ApiEndpoint') return this.apiUrl;
      if (referenced?.resource.Type === 'AWS::SQS::Queue' && referenced.attribute === null) return this.queueUrlOf(referenced.resource);
      if (referenced?.resource.Type === 'AWS::SQS::Queue' && referenced.attribute === 'QueueUrl') return this.queueUrlOf(referenced.resource);
      if (referenced) return localArn(referenced.resource, referenced.attribute, LOCAL_REGION, LOCAL_ACCOUNT);
    }
    throw new Error(`cannot resolve ${JSON.stringify(raw)} in stack ${stackName} for the local runtime`);
  }

  private functionOf(stackName: string, reference: unknown): LocatedResource {
    const referenced = this.app.referencedResource(stackName, reference);
    if (!referenced || referenced.resource.Type !== 'AWS::Lambda::Function') throw new Error(`not a function reference: ${JSON.stringify(reference)}`);
    return referenced.resource;
  }

  private streamSubscriptions(): StreamSubscription[] {
    return this.app.resourcesOfType('AWS::Lambda::EventSourceMapping').flatMap((mapping) => {
      const properties = mapping.Properties ?? {};
      const source = this.app.referencedResource(mapping.stackName, properties.EventSourceArn);
      if (!source || source.resource.Type !== 'AWS::DynamoDB::Table') return [];
      const fn = this.functionOf(mapping.stackName, properties.FunctionName);
      const filters = ((properties.FilterCriteria as { Filters?: Array<{ Pattern: string }> } | undefined)?.Filters ?? []).map(
        (filter) => JSON.parse(filter.Pattern) as Record<string, unknown>,
      );
      return [
        {
          tableName: SynthesizedApp.localName(source.resource.stackName, source.resource.logicalId),
          functionName: fn.logicalId,
          handler: this.handlerOf(fn.logicalId) as StreamHandler,
          batchSize: Math.min(Number(properties.BatchSize ?? 100), 1000),
          filters,
          batchingWindowMs: Number(properties.MaximumBatchingWindowInSeconds ?? 0) * 1000,
        },
      ];
    });
  }

  private gatewayRoutes(): GatewayRoute[] {
    return this.app.resourcesOfType('AWS::ApiGatewayV2::Route').map((route) => {
      const properties = route.Properties ?? {};
      const [method, path] = String(properties.RouteKey).split(' ') as [string, string];
      const target = properties.Target as { 'Fn::Join': [string, unknown[]] };
      const integrationRef = target['Fn::Join'][1].find((part) => typeof part === 'object') as { Ref: string };
      const integration = this.app.resource(route.stackName, integrationRef.Ref);
      const fn = this.functionOf(route.stackName, integration?.Properties?.IntegrationUri);
      const authorization = String(properties.AuthorizationType ?? 'NONE');
      const auth: RouteAuth = authorization === 'CUSTOM' ? 'ingest-key' : authorization === 'AWS_IAM' ? 'marketer' : 'none';
      return { method, path, auth, functionName: fn.logicalId, handler: this.handlerOf(fn.logicalId) as HttpLambda };
    });
  }

  private addControlRoutes(): void {
    const clockState = () => ({ now: this.clock.now().toISOString(), offsetMs: this.clock.offset, waiting: this.clock.pending });
    this.addControlRoute({ method: 'GET', path: '/local/clock', handle: async () => ({ status: 200, body: clockState() }) });
    this.addControlRoute({
      method: 'POST',
      path: '/local/clock/advance',
      handle: async (body) => {
        const by = (body as { by?: unknown } | undefined)?.by;
        const ms = typeof by === 'string' ? parseDuration(by) : null;
        if (ms === null) return { status: 400, body: { error: 'InvalidRequestError', message: 'by must be a duration such as 30m, 6h, 1d or 2w' } };
        this.clock.advance(ms);
        this.saveClock();
        await this.settle();
        return { status: 200, body: clockState() };
      },
    });
    this.addControlRoute({
      method: 'POST',
      path: '/local/settle',
      handle: async () => {
        await this.settle();
        return { status: 200, body: { settled: true, failures: this.streamFailures } };
      },
    });
    this.addControlRoute({
      method: 'GET',
      path: '/local/health',
      handle: async () => ({ status: 200, body: { ok: true, tables: Object.fromEntries(this.tables), ...clockState() } }),
    });
  }
}

function readClockOffset(dataDir: string | null): number {
  const file = dataDir ? join(dataDir, 'clock.json') : null;
  if (!file || !existsSync(file)) return 0;
  const offset = Number((JSON.parse(readFileSync(file, 'utf8')) as { offsetMs?: unknown }).offsetMs);
  return Number.isFinite(offset) && offset >= 0 ? offset : 0;
}
