import { type AslDefinition, type AslState, type JsonValue, forEachState, isJsonObject } from './asl';
import { InvalidDefinitionError } from './errors';

/** The Resource given to Wait states rewritten into Tasks that wait on the virtual clock. */
export const VIRTUAL_CLOCK_WAIT_RESOURCE = 'arn:aws:states:::local:virtualClockWait';

/**
 * The context-object field that carries the execution's start on the virtual clock. The engine
 * always overwrites `$$.Execution.StartTime` with wall time, so paths to it are redirected here.
 */
export const VIRTUAL_START_TIME_FIELD = 'StartTimeOnVirtualClock';

/**
 * The engine races every Task against a `setTimeout` (60 s when none is set); this is the longest
 * timer Node accepts (about 24.8 days), so the engine's own timer never cuts a task short.
 */
export const ENGINE_MAX_TASK_TIMEOUT_SECONDS = 2_147_483;

/** One retrier of a `Retry` field. */
export interface Retrier {
  ErrorEquals: string[];
  IntervalSeconds?: number;
  MaxAttempts?: number;
  BackoffRate?: number;
  MaxDelaySeconds?: number;
  JitterStrategy?: 'FULL' | 'NONE';
}

/** What the runtime needs to run a Task state itself; keyed by state name, as the engine keys overrides. */
export interface LocalTaskSpec {
  stateName: string;
  resource: string;
  /** Retriers lifted out of the engine so that the pauses between attempts run on the virtual clock. */
  retriers: Retrier[];
  /** TimeoutSeconds lifted out of the engine; undefined means no timeout, as in AWS. */
  timeoutSeconds?: number;
}

/** A definition ready for the engine, and what the runtime must do for its Task states. */
export interface LocalDefinition {
  definition: AslDefinition;
  tasks: Map<string, LocalTaskSpec>;
  /** The machine's TimeoutSeconds, lifted out so it runs on the virtual clock. */
  timeoutSeconds?: number;
}

const START_TIME_PATH = /\$\$\.Execution\.StartTime\b/g;

/** Path-bearing fields: `X.$` in payload templates, `*Path`, and a Choice rule's `Variable`. */
function holdsPath(key: string): boolean {
  return key.endsWith('.$') || key.endsWith('Path') || key === 'Variable';
}

function redirectStartTimePaths(value: JsonValue, key = ''): JsonValue {
  if (typeof value === 'string') {
    return holdsPath(key) ? value.replace(START_TIME_PATH, `$$$$.Execution.${VIRTUAL_START_TIME_FIELD}`) : value;
  }
  if (Array.isArray(value)) return value.map((item) => redirectStartTimePaths(item, key));
  if (isJsonObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([field, item]) => [field, redirectStartTimePaths(item, field)]));
  }
  return value;
}

function parseRetriers(value: JsonValue | undefined, where: string): Retrier[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new InvalidDefinitionError(`${where}: Retry must be an array`);
  return value.map((retrier, index) => {
    if (!isJsonObject(retrier) || !Array.isArray(retrier.ErrorEquals) || !retrier.ErrorEquals.every((name) => typeof name === 'string')) {
      throw new InvalidDefinitionError(`${where}: Retry[${index}] needs ErrorEquals, an array of error names`);
    }
    const numberField = (field: string): number | undefined => {
      const fieldValue = retrier[field];
      if (fieldValue === undefined) return undefined;
      if (typeof fieldValue !== 'number' || fieldValue < 0) {
        throw new InvalidDefinitionError(`${where}: Retry[${index}].${field} must be a non-negative number`);
      }
      return fieldValue;
    };
    const jitter = retrier.JitterStrategy;
    if (jitter !== undefined && jitter !== 'FULL' && jitter !== 'NONE') {
      throw new InvalidDefinitionError(`${where}: Retry[${index}].JitterStrategy must be FULL or NONE`);
    }
    return {
      ErrorEquals: retrier.ErrorEquals as string[],
      IntervalSeconds: numberField('IntervalSeconds'),
      MaxAttempts: numberField('MaxAttempts'),
      BackoffRate: numberField('BackoffRate'),
      MaxDelaySeconds: numberField('MaxDelaySeconds'),
      JitterStrategy: jitter,
    };
  });
}

/** A Wait becomes a Task whose Parameters carry the wait's spec and its (InputPath-filtered) input. */
function waitAsTask(state: AslState, where: string): AslState {
  const parameters: Record<string, JsonValue> = { 'Input.$': '$' };
  if (typeof state.Seconds === 'number') parameters.Seconds = state.Seconds;
  else if (typeof state.Timestamp === 'string') parameters.Timestamp = state.Timestamp;
  else if (typeof state.SecondsPath === 'string') parameters['Seconds.$'] = state.SecondsPath;
  else if (typeof state.TimestampPath === 'string') parameters['Timestamp.$'] = state.TimestampPath;
  else throw new InvalidDefinitionError(`${where}: a Wait needs one of Seconds, Timestamp, SecondsPath, TimestampPath`);

  const task: AslState = { Type: 'Task', Resource: VIRTUAL_CLOCK_WAIT_RESOURCE, Parameters: parameters };
  // A Wait's output is its input: the handler returns it, the default ResultPath "$" keeps it whole.
  for (const field of ['Comment', 'InputPath', 'OutputPath', 'Next', 'End'] as const) {
    const value = state[field];
    if (value !== undefined) task[field] = value;
  }
  task.TimeoutSeconds = ENGINE_MAX_TASK_TIMEOUT_SECONDS;
  return task;
}

function sameSpec(left: LocalTaskSpec, right: LocalTaskSpec): boolean {
  return JSON.stringify(left) === JSON.stringify(right);
}

/**
 * Prepares a parsed definition (a copy it may change) for the local engine:
 * - every Wait becomes a Task on {@link VIRTUAL_CLOCK_WAIT_RESOURCE}, so waits follow the virtual clock;
 * - Task Retry and TimeoutSeconds move to the runtime, so retry pauses and timeouts follow it too
 *   (a Task with TimeoutSecondsPath or HeartbeatSecondsPath keeps them in the engine, on wall time);
 * - paths to `$$.Execution.StartTime` read the virtual start time instead;
 * - Distributed Map is refused, and so are two Task states sharing a name with different resources,
 *   because the engine keys its task overrides by state name alone.
 */
export function prepareLocalDefinition(source: AslDefinition): LocalDefinition {
  const definition = redirectStartTimePaths(source as unknown as JsonValue) as unknown as AslDefinition;
  const tasks = new Map<string, LocalTaskSpec>();
  const timeoutSeconds = typeof definition.TimeoutSeconds === 'number' ? definition.TimeoutSeconds : undefined;
  delete definition.TimeoutSeconds;

  forEachState(definition, (name, state, path, owner) => {
    const where = `state ${path.join(' > ')}`;
    if (state.Type === 'Map') {
      const processor = state.ItemProcessor;
      const config = isJsonObject(processor) ? processor.ProcessorConfig : undefined;
      if ((isJsonObject(config) && config.Mode === 'DISTRIBUTED') || state.ItemReader !== undefined || state.ResultWriter !== undefined) {
        throw new InvalidDefinitionError(`${where}: Distributed Map is not supported locally; use an inline Map`);
      }
      return;
    }
    if (state.Type === 'Wait') {
      owner.States[name] = waitAsTask(state, where);
      addTask(tasks, { stateName: name, resource: VIRTUAL_CLOCK_WAIT_RESOURCE, retriers: [] }, where);
      return;
    }
    if (state.Type !== 'Task') return;
    if (typeof state.Resource !== 'string') {
      throw new InvalidDefinitionError(`${where}: Resource must be a resolved string (synthesize the template first)`);
    }
    if (state.TimeoutSecondsPath !== undefined || state.HeartbeatSecondsPath !== undefined) {
      addTask(tasks, { stateName: name, resource: state.Resource, retriers: [] }, where);
      return;
    }
    const spec: LocalTaskSpec = { stateName: name, resource: state.Resource, retriers: parseRetriers(state.Retry, where) };
    if (typeof state.TimeoutSeconds === 'number') spec.timeoutSeconds = state.TimeoutSeconds;
    delete state.Retry;
    delete state.HeartbeatSeconds;
    state.TimeoutSeconds = ENGINE_MAX_TASK_TIMEOUT_SECONDS;
    addTask(tasks, spec, where);
  });
  return { definition, tasks, ...(timeoutSeconds === undefined ? {} : { timeoutSeconds }) };
}

function addTask(tasks: Map<string, LocalTaskSpec>, spec: LocalTaskSpec, where: string): void {
  const existing = tasks.get(spec.stateName);
  if (existing && !sameSpec(existing, spec)) {
    throw new InvalidDefinitionError(
      `${where}: another Task state is also named "${spec.stateName}" with a different Resource, Retry or timeout; ` +
        'the local engine keys task overrides by state name, so give them distinct names',
    );
  }
  tasks.set(spec.stateName, spec);
}
