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
}

export const DEFAULT_PORTS: LocalPorts = { api: 3000, dynamodb: 8000, ses: 8005, snsSqs: 4566 };
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
    if (this.dataDir) mkdirSync(this.dataDir, { recursive: true });

    report('starting DynamoDB Local');
    await this.dynamodb.start();
    const created = await this.dynamodb.createTablesFrom(this.app);
    for (const table of this.app.resourcesOfType('AWS::DynamoDB::Table')) this.tables.set(table.logicalId, SynthesizedApp.localName(table.stackName, table.logicalId));
    report(created.length ? `created tables: ${created.join(', ')}` : `tables ready: ${[...this.tables.values()].join(', ')}`);

    report('starting the SES and SNS/SQS emulators');
    await this.emulators.start();

    this.configureProcessEnvironment();
    installRuntimeClock(this.clock);
    await this.loadHandlers();

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

    this.addControlRoutes();
    this.gateway = new HttpGateway(this.gatewayRoutes(), this.controls, this.credentials);
    await this.gateway.listen(ports.api);
    report(`HTTP API listening on ${this.apiUrl}`);
  }

  async stop(): Promise<void> {
    await this.gateway?.close();
    await this.streams?.stop();
    this.saveClock();
    await this.emulators.stop().catch(() => undefined);
    await this.dynamodb.stop();
  }

  /** Delivers every stream record written so far (aggregation is asynchronous, as in AWS). */
  async settle(): Promise<void> {
    await this.streams?.settle();
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
      POWERTOOLS_LOG_LEVEL: this.options.logLevel ?? 'WARN',
      POWERTOOLS_TRACE_ENABLED: 'false',
      POWERTOOLS_DEV: 'true',
      REKINDLE_LOCAL: 'true',
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
