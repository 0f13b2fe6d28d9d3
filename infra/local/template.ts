import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Stack } from 'aws-cdk-lib';
import { LOCAL_ENTRY_METADATA, REPO_ROOT } from '../constructs/function-entry';

type Templates = ReadonlyMap<string, { Resources: Record<string, TemplateResource> }>;

/** What the app is built from: a change to any of these can change the templates. */
const SOURCE_DIRECTORIES = ['infra', 'workflows', 'shared', 'functions'];
const SOURCE_FILES = ['package-lock.json', 'cdk.json', 'tsconfig.json'];
const CACHE_DIRECTORY = join(REPO_ROOT, 'node_modules', '.cache', 'rekindle');
const KEPT_CACHE_FILES = 6;

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
  constructor(readonly templates: Templates) {}

  /**
   * Synthesizes the Rekindle app in-process, without bundling (the local runtime runs sources);
   * `context` as `-c` would give it. The templates are kept under node_modules/.cache/rekindle,
   * keyed by a hash of every source they are built from and of the context, so a start on
   * unchanged sources (each test file, a restart) skips loading and running the CDK: seconds on an
   * idle machine, tens of seconds on a busy one. `REKINDLE_SYNTH_CACHE=off` always synthesizes.
   */
  static async synthesize(context?: Record<string, unknown>): Promise<SynthesizedApp> {
    const useCache = process.env.REKINDLE_SYNTH_CACHE !== 'off';
    const file = join(CACHE_DIRECTORY, `templates-${sourceHash(context)}.json`);
    if (useCache) {
      const cached = readCachedTemplates(file);
      if (cached) return new SynthesizedApp(cached);
    }
    const { buildRekindleApp } = await import('../rekindle-app');
    const { app, stacks } = buildRekindleApp({ bundle: false, nag: false, ...(context ? { context } : {}) });
    const synthesized = SynthesizedApp.fromApp(app, stacks);
    if (useCache) writeCachedTemplates(file, synthesized.templates);
    return synthesized;
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

  /** The resources of one type, in template order (looked up once per type: the runtime asks on every invocation). */
  resourcesOfType(type: string): LocatedResource[] {
    let found = this.byType.get(type);
    if (!found) {
      found = [];
      for (const [stackName, template] of this.templates) {
        for (const [logicalId, resource] of Object.entries(template.Resources ?? {})) {
          if (resource.Type === type) found.push({ ...resource, stackName, logicalId });
        }
      }
      this.byType.set(type, found);
    }
    return [...found];
  }

  private readonly byType = new Map<string, LocatedResource[]>();

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

/** A hash of the app's context and sources: paths and contents of every file under the source directories. */
function sourceHash(context: Record<string, unknown> | undefined): string {
  const hash = createHash('sha256');
  hash.update(JSON.stringify(context ?? null));
  const add = (path: string) => {
    hash.update(relative(REPO_ROOT, path));
    hash.update('\0');
    hash.update(readFileSync(path));
    hash.update('\0');
  };
  const walk = (directory: string) => {
    const entries = readdirSync(directory, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
    for (const entry of entries) {
      const path = join(directory, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) add(path);
    }
  };
  for (const directory of SOURCE_DIRECTORIES) walk(join(REPO_ROOT, directory));
  for (const file of SOURCE_FILES) {
    try {
      add(join(REPO_ROOT, file));
    } catch {
      // An absent optional file changes nothing.
    }
  }
  return hash.digest('hex').slice(0, 32);
}

function readCachedTemplates(file: string): Templates | null {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Record<string, { Resources: Record<string, TemplateResource> }>;
    return new Map(Object.entries(parsed));
  } catch {
    return null;
  }
}

/**
 * Writes the cache atomically (parallel test workers may write it at once) and keeps the few
 * newest (the tests' context and `npm start`'s are different keys of the same sources).
 */
function writeCachedTemplates(file: string, templates: Templates): void {
  try {
    mkdirSync(CACHE_DIRECTORY, { recursive: true });
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify(Object.fromEntries(templates)));
    renameSync(temporary, file);
    const cached = readdirSync(CACHE_DIRECTORY)
      .filter((name) => name.startsWith('templates-') && name.endsWith('.json'))
      .map((name) => ({ path: join(CACHE_DIRECTORY, name), modified: statSync(join(CACHE_DIRECTORY, name)).mtimeMs }))
      .sort((a, b) => b.modified - a.modified);
    for (const old of cached.slice(KEPT_CACHE_FILES)) rmSync(old.path, { force: true });
  } catch {
    // A cache that cannot be written only costs the next start its synthesis.
  }
}

/**
 * State machine definitions found valid before, as marker files beside the template cache (one
 * file per definition hash: parallel workers never rewrite each other's). Off with the cache.
 */
export const validatedDefinitionsCache = {
  has(key: string): boolean {
    return process.env.REKINDLE_SYNTH_CACHE !== 'off' && existsSync(join(CACHE_DIRECTORY, 'asl-valid', key));
  },
  add(key: string): void {
    if (process.env.REKINDLE_SYNTH_CACHE === 'off') return;
    try {
      mkdirSync(join(CACHE_DIRECTORY, 'asl-valid'), { recursive: true });
      writeFileSync(join(CACHE_DIRECTORY, 'asl-valid', key), '');
    } catch {
      // Not remembered: the next start validates it again.
    }
  },
};
