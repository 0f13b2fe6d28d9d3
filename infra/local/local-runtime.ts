import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { installRuntimeClock } from '../../shared/adapters/runtime-clock';
import { BackgroundSeeding, type SeedingProgress, type SeedPlan } from './background-seeding';
import { localControlRoutes } from './control-routes';
import { loadOrCreateCredentials, type LocalCredentials } from './credentials';
import { DynamoDbLocal } from './dynamodb-local';
import { MessagingEmulators } from './emulators';
import { LocalEventBus } from './event-bus';
import { HttpGateway, type ControlRoute } from './http-gateway';
import { LOCAL_ACCOUNT, LOCAL_REGION } from './local-aws';
import { requireJava, requirePortFree } from './preflight';
import { seedTablesOf } from './seed-population';
import { configureProcessEnvironment } from './process-environment';
import { LocalQueues, provisionTables, startLocalStepFunctions } from './provisioning';
import { QueueEventSources } from './queue-event-sources';
import { LocalScheduler, type MissedOccurrences } from './schedules';
import type { LocalStepFunctions, StepFunctionsServer } from './step-functions';
import { StreamEventSources } from './stream-event-sources';
import { SynthesizedApp, localArn } from './template';
import { LocalFunctions, TemplateBindings, type AnyHandler } from './template-bindings';
import { TemplateValues } from './template-values';
import { VirtualClock } from './virtual-clock';

export interface LocalRuntimeOptions {
  /** Folder for DynamoDB data, the clock and credentials; null keeps everything in memory. */
  dataDir: string | null;
  ports: LocalPorts;
  /** Log level of the handlers' Powertools logger. */
  logLevel?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  /**
   * The demonstration population to seed on a fresh data store, behind the running API (an
   * interrupted seeding is finished on the next start); `GET /local/ready` reports its progress.
   */
  seed?: SeedPlan & {
    onProgress?: (progress: SeedingProgress) => void;
    /**
     * False leaves out the last 30 days of product health computed from the seeded aggregates
     * (the scoring bench: scoring reads users, not the health series). Default true.
     */
    healthBackfill?: boolean;
  };
  /** Progress lines for a person watching the start. */
  report?: (line: string) => void;
  /**
   * Cron schedules the clock jumps past: fire `each` missed occurrence (the default, what AWS
   * would have done meanwhile) or only the `latest` (tests that jump months to reach a date).
   */
  missedSchedules?: MissedOccurrences;
  /** CDK context for the synthesis, as `-c` would give it (tests set contact-policy shares). */
  context?: Record<string, unknown>;
  /** Import every handler behind the API once it answers (`npm start`); otherwise each on its first call. */
  warmHandlers?: boolean;
  /** A built marketer console (`console/build.ts`) to serve at `/console/` on the API's origin. */
  consoleDir?: string;
  /**
   * Where the virtual clock starts (a test pins the instant its seeded data end at); by default
   * wall time, or where the data folder's clock was left.
   */
  clockStartsAt?: Date;
  /**
   * A DynamoDB Local already running in memory without `-sharedDb` (`DynamoDbLocal.startShared`)
   * to use instead of starting a JVM: the access key keeps this runtime's tables apart, and
   * `stop()` deletes them. For in-memory runtimes only (the test suite shares one JVM per run).
   */
  sharedDynamoDb?: { port: number; accessKeyId: string };
}

/** Fails fast, with the fix, when Java is missing or a port is taken. */
async function preflight(ports: LocalPorts, options: { dynamodb: boolean }): Promise<void> {
  requireJava();
  await requirePortFree(ports.api, 'the HTTP API', '--port');
  if (options.dynamodb) await requirePortFree(ports.dynamodb, 'DynamoDB Local', '--dynamodb-port');
  await requirePortFree(ports.ses, 'the SES emulator', '--ses-port');
  await requirePortFree(ports.snsSqs, 'the SNS/SQS emulator', '--sns-port');
  await requirePortFree(ports.stepFunctions, 'the Step Functions endpoint', '--sfn-port');
  await requirePortFree(ports.eventBridge, 'the EventBridge endpoint', '--events-port');
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

/**
 * The whole system on one machine: synthesizes the same CDK app `cdk deploy` ships, creates its
 * tables in DynamoDB Local, wires its event source mappings and HTTP routes to the same handler
 * modules, starts the SES and SNS/SQS emulators, and runs everything on a controllable clock.
 *
 * This class is the lifecycle (start, settle, stop) and the facade callers use; the parts live
 * beside it: `template-values` (intrinsics), `template-bindings` (functions, routes, event sources,
 * rules, schedules), `provisioning` (tables, queues, topics, the Step Functions engine),
 * `process-environment` (the handlers' variables) and `control-routes` (`/local/...`).
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
  private readonly localQueues: LocalQueues;
  private readonly functions: LocalFunctions;
  private readonly values: TemplateValues;
  private readonly bindings: TemplateBindings;
  private readonly controls: ControlRoute[] = [];
  private stopping: Promise<void> | undefined;
  private seeding: BackgroundSeeding | null = null;
  /** Local names of the template's tables, by logical id. */
  readonly tables = new Map<string, string>();

  private constructor(
    readonly options: LocalRuntimeOptions,
    app: SynthesizedApp,
    dynamodb: DynamoDbLocal,
    /** Whether the data folder had no DynamoDB data before this start. */
    private readonly freshStore: boolean,
  ) {
    this.app = app;
    const dataDir = options.dataDir ? resolve(options.dataDir) : null;
    this.credentials = loadOrCreateCredentials(dataDir ? join(dataDir, 'credentials.json') : null);
    this.clock = new VirtualClock(options.clockStartsAt ? { startAt: options.clockStartsAt } : { offsetMs: readClockOffset(dataDir) });
    this.dynamodb = dynamodb;
    this.emulators = new MessagingEmulators({ ses: options.ports.ses, snsSqs: options.ports.snsSqs });
    this.localQueues = new LocalQueues(app, this.emulators);
    this.functions = new LocalFunctions(app);
    this.values = new TemplateValues(app, { apiUrl: this.apiUrl, queueUrlOf: (resource) => this.localQueues.urlOf(resource) });
    this.bindings = new TemplateBindings(app, this.values, this.functions, this.localQueues, () => {
      if (!this.stepFunctions) throw new Error('the local Step Functions engine is not running');
      return this.stepFunctions;
    });
  }

  get apiUrl(): string {
    return `http://127.0.0.1:${this.options.ports.api}`;
  }

  /** The console's URL with the marketer token in its fragment (never sent to a server); null when no console is served. */
  get consoleUrl(): string | null {
    return this.options.consoleDir ? `${this.apiUrl}/console/#token=${encodeURIComponent(this.credentials.marketerToken)}` : null;
  }

  private get dataDir(): string | null {
    return this.options.dataDir ? resolve(this.options.dataDir) : null;
  }

  /**
   * Starts everything, in dependency order; on failure, stops what had started. The JVM of
   * DynamoDB Local boots while the app is synthesized (or read from its cache): the two slowest
   * steps of a start overlap.
   */
  static async start(options: LocalRuntimeOptions, app?: SynthesizedApp): Promise<LocalRuntime> {
    const report = options.report ?? (() => undefined);
    const shared = options.sharedDynamoDb;
    if (shared && options.dataDir) throw new Error('a shared DynamoDB Local is for in-memory runtimes (dataDir null)');
    await preflight(options.ports, { dynamodb: !shared });
    const dataDir = options.dataDir ? resolve(options.dataDir) : null;
    if (dataDir) mkdirSync(dataDir, { recursive: true });
    const freshStore = !dataDir || !existsSync(join(dataDir, 'dynamodb'));
    const dynamodb = shared
      ? DynamoDbLocal.attach(shared.port, shared.accessKeyId)
      : new DynamoDbLocal(options.ports.dynamodb, dataDir ? join(dataDir, 'dynamodb') : null);
    report(app ? 'starting DynamoDB Local' : 'starting DynamoDB Local; synthesizing the CDK app (the same definitions `cdk deploy` ships)');
    const dynamodbUp = dynamodb.start();
    dynamodbUp.catch(() => undefined); // awaited below, after the synthesis
    let synthesized: SynthesizedApp;
    try {
      synthesized = app ?? (await SynthesizedApp.synthesize(options.context));
    } catch (error) {
      await dynamodbUp.catch(() => undefined);
      await dynamodb.stop();
      throw error;
    }
    const runtime = new LocalRuntime(options, synthesized, dynamodb, freshStore);
    try {
      await dynamodbUp;
      await runtime.boot();
      return runtime;
    } catch (error) {
      await runtime.stop();
      throw error;
    }
  }

  private async boot(): Promise<void> {
    const report = this.options.report ?? (() => undefined);
    const { ports } = this.options;
    const freshStore = this.freshStore;
    this.seeding = BackgroundSeeding.plan({ dataDir: this.dataDir, freshStore, plan: this.options.seed, now: this.clock.now() });

    const { created, tables } = await provisionTables(this.dynamodb, this.app);
    for (const [logicalId, name] of tables) this.tables.set(logicalId, name);
    report(created.length ? `created tables: ${created.join(', ')}` : `tables ready: ${[...this.tables.values()].join(', ')}`);

    report('starting the SES and SNS/SQS emulators');
    await this.emulators.start();

    await this.localQueues.create();
    configureProcessEnvironment({
      app: this.app,
      values: this.values,
      endpoints: {
        dynamodb: this.dynamodb.endpoint,
        ses: this.emulators.sesEndpoint,
        snsSqs: this.emulators.snsSqsEndpoint,
        stepFunctions: `http://127.0.0.1:${ports.stepFunctions}`,
        eventBridge: `http://127.0.0.1:${ports.eventBridge}`,
      },
      logLevel: this.options.logLevel ?? 'WARN',
      credentials: this.dynamodb.credentials,
      unsubscribeSigningKey: this.credentials.unsubscribeSigningKey,
    });
    installRuntimeClock(this.clock);
    report('starting Step Functions, EventBridge, streams, queues and schedules');
    const stepFunctions = await startLocalStepFunctions({
      clock: this.clock,
      lambdaTasks: this.bindings.lambdaTasks(),
      machines: this.bindings.stateMachines(),
      endpoints: { dynamodb: this.dynamodb.endpoint, ses: this.emulators.sesEndpoint, snsSqs: this.emulators.snsSqsEndpoint },
      dynamodbCredentials: this.dynamodb.credentials,
      ports,
    });
    this.stepFunctions = stepFunctions.engine;
    this.sfnServer = stepFunctions.server;
    this.bus = new LocalEventBus(this.bindings.busRules(), () => this.clock.now());
    await this.bus.listen(ports.eventBridge);

    const checkpointFile = this.dataDir ? join(this.dataDir, 'stream-checkpoints.json') : null;
    const seeding = this.seeding;
    this.streams = new StreamEventSources(
      this.dynamodb.client,
      this.dynamodb.endpoint,
      { region: LOCAL_REGION, credentials: this.dynamodb.credentials },
      this.bindings.streamSubscriptions(),
      checkpointFile,
      // Seeding writes aggregates itself: its raw events must not be applied a second time.
      seeding ? (record) => seeding.isSeeded(record) : undefined,
    );
    this.streams.start({ fromLatest: false });
    this.functions.onInvocationEnd = () => this.streams?.nudge();
    this.queues = new QueueEventSources(this.localQueues.sqsClient(), await this.bindings.queueSubscriptions());
    this.queues.start();
    this.scheduler = new LocalScheduler(this.clock, this.options.missedSchedules ?? 'each');
    this.scheduler.start(this.bindings.schedules());

    this.controls.push(...localControlRoutes(this));
    const site = this.options.consoleDir ? { prefix: '/console/', directory: resolve(this.options.consoleDir) } : null;
    this.gateway = new HttpGateway(this.bindings.gatewayRoutes(), this.controls, this.credentials, site);
    await this.gateway.listen(ports.api);
    report(`HTTP API listening on ${this.apiUrl}`);
    // Handlers are imported on their first call; warming them behind the API keeps first requests quick.
    if (this.options.warmHandlers) void this.functions.load().catch((error: unknown) => report(`a handler failed to load: ${String(error)}`));
    // Once the population is in, its last 30 days of product health, from the seeded aggregates in one pass.
    this.seeding?.start(this.dynamodb.client, seedTablesOf(this.tables), this.options.seed?.onProgress, async () => {
      if (this.options.seed?.healthBackfill !== false) await this.invoke('HealthHealthBackfill', { days: 30 });
    });
  }

  /** The background seeding's progress; null when this start seeds nothing. */
  get seedingProgress(): SeedingProgress | null {
    return this.seeding?.progress ?? null;
  }

  /**
   * Stops everything, once: a second call (a second Ctrl-C, a failed start) waits for the same
   * shutdown. The clock is saved first, before the slow teardown, and again at the end.
   */
  stop(): Promise<void> {
    this.stopping ??= this.teardown();
    return this.stopping;
  }

  private async teardown(): Promise<void> {
    this.saveClock();
    // Seeding stops after its current flush, so its marker names the next user to write.
    await this.seeding?.stop();
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
    for (let quiet = 0; quiet < 3;) {
      if (Date.now() > deadline) {
        throw new Error(
          `settle: still busy after 300 s (invocations ${this.functions.inFlight}, running executions ${this.stepFunctions?.runningExecutionCount ?? 0}, clock waiters ${this.clock.pending})`,
        );
      }
      await this.streams?.settle();
      const drained = (await this.queues?.drain()) ?? 0;
      const delivered = (await this.bus?.drain()) ?? false;
      // An execution between two states is neither in a task nor on the clock: wait until every
      // running execution is parked on the clock (each holds a clock waiter while it waits).
      const executionsOnClock = this.clock.pending - (this.scheduler?.waiting ?? 0);
      const executionsMoving = (this.stepFunctions?.runningExecutionCount ?? 0) > executionsOnClock;
      const busy = this.functions.inFlight > 0 || this.queues?.busy === true || executionsMoving;
      quiet = drained === 0 && !delivered && !busy ? quiet + 1 : 0;
      await new Promise((resolve) => setTimeout(resolve, quiet > 0 ? 20 : 5));
    }
  }

  /**
   * Resolves once the stream event source mappings of the functions whose logical id starts with
   * `logicalIdPrefix` have delivered every record written so far (the others may still be busy).
   */
  async settleStreamConsumer(logicalIdPrefix: string): Promise<void> {
    await this.streams?.settle((functionName) => functionName.startsWith(logicalIdPrefix));
  }

  /** Invokes a function by (a prefix of) its logical id, as Lambda's Invoke would. */
  async invoke(logicalIdPrefix: string, event: unknown): Promise<unknown> {
    const fn = this.app.functions().find((candidate) => candidate.logicalId.startsWith(logicalIdPrefix));
    if (!fn) throw new Error(`no function whose logical id starts with ${logicalIdPrefix}`);
    return this.functions.invoke(fn.logicalId, event);
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
    return this.localQueues.urlOf(queue);
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
    return this.functions.handlerOf(logicalId);
  }

  saveClock(): void {
    if (this.dataDir) writeFileSync(join(this.dataDir, 'clock.json'), JSON.stringify({ offsetMs: this.clock.offset }));
  }
}

function readClockOffset(dataDir: string | null): number {
  const file = dataDir ? join(dataDir, 'clock.json') : null;
  if (!file || !existsSync(file)) return 0;
  const offset = Number((JSON.parse(readFileSync(file, 'utf8')) as { offsetMs?: unknown }).offsetMs);
  return Number.isFinite(offset) && offset >= 0 ? offset : 0;
}
