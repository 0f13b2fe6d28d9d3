import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { ExecutionAbortedError, ExecutionError, ExecutionTimeoutError, StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import type { VirtualClock } from '../virtual-clock';
import { type JsonValue, parseDefinition } from './asl';
import {
  ExecutionAlreadyExistsError,
  ExecutionDoesNotExistError,
  InvalidDefinitionError,
  InvalidExecutionInputError,
  InvalidNameError,
  StateMachineAlreadyExistsError,
  StateMachineDoesNotExistError,
  StatesTaskError,
  TaskDoesNotExistError,
  TaskHandlerNotFoundError,
} from './errors';
import { type ExecutionRecord, type ExecutionStatus, type ExecutionStore, InMemoryExecutionStore } from './execution-store';
import { assertNoJsonata } from './jsonata-guard';
import { type LocalDefinition, type LocalTaskSpec, VIRTUAL_CLOCK_WAIT_RESOURCE, VIRTUAL_START_TIME_FIELD, prepareLocalDefinition } from './local-definition';
import { type TaskHandler, type TaskHandlerResolver, asNamedError, runTaskWithRetries, waitOnVirtualClock } from './task-runner';

export type StateMachineType = 'STANDARD' | 'EXPRESS';

/** A state machine to run locally, as the template declares it. */
export interface StateMachineRegistration {
  arn: string;
  name: string;
  /** ASL, as an object or JSON text. JSONPath only: JSONata is refused. */
  definition: string | object;
  type: StateMachineType;
}

export interface LocalStepFunctionsOptions {
  clock: VirtualClock;
  /** Maps each Task's Resource to its local implementation; asked once per Task when a machine is registered. */
  taskHandlers: TaskHandlerResolver;
  /** Where execution records are kept; in memory by default. */
  store?: ExecutionStore;
  /** Account used in generated ARNs and the context object; a fixed fake one by default. */
  accountId?: string;
  /**
   * Definitions already found valid (by a hash of their canonical JSON), kept across processes:
   * the ASL validator compiles its JSON schemas on first use, a second of CPU per start.
   */
  validatedDefinitions?: { has(key: string): boolean; add(key: string): void };
}

export interface StartExecutionRequest {
  stateMachineArn: string;
  /** Deterministic names make starts idempotent; a random UUID when omitted. */
  name?: string;
  /** JSON text, `{}` when omitted (as the StartExecution API takes it). */
  input?: string;
}

export interface StartExecutionResult {
  executionArn: string;
  startDate: Date;
}

/** How an execution is ended from outside: a stop, or the machine's own TimeoutSeconds. */
interface Termination {
  status: Extract<ExecutionStatus, 'ABORTED' | 'TIMED_OUT'>;
  error?: string;
  cause?: string;
}

interface RegisteredMachine {
  registration: StateMachineRegistration;
  canonicalDefinition: string;
  local: LocalDefinition;
  engine: StateMachine;
  handlers: Map<string, TaskHandler>;
}

interface RunningExecution {
  record: ExecutionRecord;
  machine: RegisteredMachine;
  controller: AbortController;
  abortEngine: () => void;
  termination?: Termination;
  /** The `$$.Task.Token` handed out while Parameters were evaluated, for the Task about to run. */
  pendingTaskToken?: string;
  done: Promise<ExecutionRecord>;
}

interface TaskTokenWaiter {
  executionArn: string;
  succeed: (output: unknown) => void;
  fail: (error: Error) => void;
}

type ExecutionFinishedListener = (record: ExecutionRecord) => void | Promise<void>;

// Step Functions execution names: 1-80 characters, none of whitespace, brackets, wildcards,
// the listed specials or control characters.
const INVALID_NAME_CHARACTERS = /[\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f]/u;

function toJsonValue(value: unknown): JsonValue {
  // A task result must be JSON, as in AWS: this drops undefined fields and turns Dates into text.
  const normalized: JsonValue = JSON.parse(JSON.stringify(value ?? null));
  return normalized;
}

function newTaskToken(): string {
  return randomBytes(48).toString('base64url');
}

/**
 * The local Step Functions service: runs ASL with aws-local-stepfunctions, with Wait states, retry
 * pauses and execution timeouts on the virtual clock, each Task mapped to a local implementation,
 * and the API semantics the system relies on (deterministic names, ExecutionAlreadyExists,
 * describe / stop / list, task tokens, state-transition counts for cost reports).
 */
export class LocalStepFunctions {
  private readonly clock: VirtualClock;
  private readonly resolveTaskHandler: TaskHandlerResolver;
  private readonly store: ExecutionStore;
  private readonly accountId: string;
  private readonly validatedDefinitions: LocalStepFunctionsOptions['validatedDefinitions'];
  private readonly machines = new Map<string, RegisteredMachine>();
  private readonly running = new Map<string, RunningExecution>();
  private readonly starting = new Map<string, Promise<StartExecutionResult>>();
  private readonly taskTokens = new Map<string, TaskTokenWaiter>();
  private readonly finishedListeners = new Set<ExecutionFinishedListener>();

  constructor(options: LocalStepFunctionsOptions) {
    this.clock = options.clock;
    this.resolveTaskHandler = options.taskHandlers;
    this.store = options.store ?? new InMemoryExecutionStore();
    this.accountId = options.accountId ?? '000000000000';
    this.validatedDefinitions = options.validatedDefinitions;
  }

  /**
   * Registers a state machine. Throws when the definition is invalid ASL, uses JSONata, has a
   * Task with no local implementation, or when the ARN is taken by a different definition
   * (registering the same definition again is a no-op, like CreateStateMachine).
   */
  registerStateMachine(registration: StateMachineRegistration): void {
    assertNoJsonata(registration.definition, registration.name);
    const source = parseDefinition(registration.definition);
    const canonicalDefinition = JSON.stringify(source);
    const existing = this.machines.get(registration.arn);
    if (existing) {
      if (existing.canonicalDefinition === canonicalDefinition && existing.registration.type === registration.type) return;
      throw new StateMachineAlreadyExistsError(`state machine ${registration.arn} is already registered with another definition`);
    }
    const validationKey = createHash('sha256').update(canonicalDefinition).digest('hex');
    if (!this.validatedDefinitions?.has(validationKey)) {
      try {
        // Validates the definition as written; the rewritten one uses a local-only Resource.
        new StateMachine(source as unknown as StateMachineDefinition);
      } catch (error) {
        throw new InvalidDefinitionError(`state machine "${registration.name}": ${asNamedError(error).message}`, { cause: error });
      }
      this.validatedDefinitions?.add(validationKey);
    }
    const local = prepareLocalDefinition(source);
    const handlers = new Map<string, TaskHandler>();
    const missing: string[] = [];
    for (const spec of local.tasks.values()) {
      if (spec.resource === VIRTUAL_CLOCK_WAIT_RESOURCE) continue;
      const handler = this.resolveTaskHandler(spec.resource, { stateName: spec.stateName, stateMachineArn: registration.arn });
      if (handler) handlers.set(spec.stateName, handler);
      else missing.push(`${spec.stateName} (${spec.resource})`);
    }
    if (missing.length > 0) {
      throw new TaskHandlerNotFoundError(`state machine "${registration.name}" has Tasks with no local implementation: ${missing.join(', ')}`);
    }
    const engine = new StateMachine(local.definition as unknown as StateMachineDefinition, { validationOptions: { noValidate: true } });
    this.machines.set(registration.arn, { registration, canonicalDefinition, local, engine, handlers });
  }

  /** The registered state machines. */
  listStateMachines(): StateMachineRegistration[] {
    return [...this.machines.values()].map((machine) => ({ ...machine.registration }));
  }

  /**
   * Starts an execution. With a name already used on this state machine, answers as Step
   * Functions does: the same executionArn when that execution is still running with the very same
   * input, else {@link ExecutionAlreadyExistsError} (a different input, or a closed execution).
   * EXPRESS machines do not check names.
   */
  async startExecution(request: StartExecutionRequest): Promise<StartExecutionResult> {
    const machine = this.machineFor(request.stateMachineArn);
    const name = request.name ?? randomUUID();
    if (name.length < 1 || name.length > 80 || INVALID_NAME_CHARACTERS.test(name)) {
      throw new InvalidNameError(`invalid execution name "${name}": 1 to 80 characters, no whitespace, brackets, wildcards or " # % \\ ^ | ~ \` $ & , ; : /`);
    }
    const inputText = request.input ?? '{}';
    let input: JsonValue;
    try {
      input = JSON.parse(inputText);
    } catch (error) {
      throw new InvalidExecutionInputError(`execution input is not valid JSON: ${asNamedError(error).message}`, { cause: error });
    }
    const executionArn = this.executionArnFor(machine, name);
    const inFlight = this.starting.get(executionArn);
    if (inFlight) {
      // Another start with this name is being recorded: settle after it, against its record.
      await inFlight.catch(() => undefined);
      return this.startExecution(request);
    }
    const starting = this.claimAndLaunch(machine, executionArn, name, inputText, input);
    this.starting.set(executionArn, starting);
    try {
      return await starting;
    } finally {
      this.starting.delete(executionArn);
    }
  }

  /** The execution's record: status, input, output, error, cause, dates on the virtual clock, transitions. */
  async describeExecution(executionArn: string): Promise<ExecutionRecord> {
    const live = this.running.get(executionArn);
    if (live) return structuredClone(live.record);
    const record = await this.store.get(executionArn);
    if (!record) throw new ExecutionDoesNotExistError(`execution does not exist: ${executionArn}`);
    return record;
  }

  /**
   * Stops a running execution, a wait on the clock included; it closes as ABORTED with the given
   * error and cause. Stopping a closed execution changes nothing.
   */
  async stopExecution(executionArn: string, reason: { error?: string; cause?: string } = {}): Promise<{ stopDate: Date }> {
    const live = this.running.get(executionArn);
    if (!live) {
      const record = await this.describeExecution(executionArn);
      return { stopDate: record.stopDate ?? this.clock.now() };
    }
    this.terminate(live, { status: 'ABORTED', ...reason });
    const record = await live.done;
    return { stopDate: record.stopDate ?? this.clock.now() };
  }

  /** The state machine's executions, newest first, optionally only those with `statusFilter`. */
  async listExecutions(stateMachineArn: string, statusFilter?: ExecutionStatus): Promise<ExecutionRecord[]> {
    this.machineFor(stateMachineArn);
    const stored = await this.store.list(stateMachineArn, statusFilter);
    return stored.map((record) => {
      const live = this.running.get(record.executionArn);
      return live ? structuredClone(live.record) : record;
    });
  }

  /** Resolves with the execution's record once it is closed (for tests and the CLI). */
  async waitForExecution(executionArn: string): Promise<ExecutionRecord> {
    const live = this.running.get(executionArn);
    if (live) return structuredClone(await live.done);
    return this.describeExecution(executionArn);
  }

  /** Calls `listener` with the final record of every execution that closes; returns an unsubscribe. */
  onExecutionFinished(listener: ExecutionFinishedListener): () => void {
    this.finishedListeners.add(listener);
    return () => this.finishedListeners.delete(listener);
  }

  /** Completes a `.waitForTaskToken` task with `output` (JSON text). */
  sendTaskSuccess(taskToken: string, output: string): void {
    const waiter = this.takeTaskTokenWaiter(taskToken);
    let parsed: unknown;
    try {
      parsed = JSON.parse(output);
    } catch (error) {
      throw new InvalidExecutionInputError(`task output is not valid JSON: ${asNamedError(error).message}`, { cause: error });
    }
    waiter.succeed(parsed);
  }

  /** Fails a `.waitForTaskToken` task; Retry and Catch see `error` as the error name. */
  sendTaskFailure(taskToken: string, failure: { error?: string; cause?: string } = {}): void {
    this.takeTaskTokenWaiter(taskToken).fail(new StatesTaskError(failure.error ?? 'States.TaskFailed', failure.cause ?? ''));
  }

  /** Heartbeats are accepted for a known token; HeartbeatSeconds is not enforced locally. */
  sendTaskHeartbeat(taskToken: string): void {
    if (!this.taskTokens.has(taskToken)) throw new TaskDoesNotExistError('no task is waiting for this token');
  }

  /** Executions still running, for shutdown and diagnostics. */
  get runningExecutionCount(): number {
    return this.running.size;
  }

  /** Stops every running execution (for a clean Ctrl-C) and waits until they are closed. */
  async stopAll(reason: { error?: string; cause?: string } = { error: 'Local.Shutdown', cause: 'the local runtime is shutting down' }): Promise<void> {
    await Promise.all([...this.running.keys()].map((executionArn) => this.stopExecution(executionArn, reason)));
  }

  private machineFor(stateMachineArn: string): RegisteredMachine {
    const machine = this.machines.get(stateMachineArn);
    if (!machine) throw new StateMachineDoesNotExistError(`state machine does not exist: ${stateMachineArn}`);
    return machine;
  }

  private executionArnFor(machine: RegisteredMachine, name: string): string {
    const { arn, type } = machine.registration;
    if (type === 'EXPRESS') return `${arn.replace(':stateMachine:', ':express:')}:${name}:${randomUUID()}`;
    return `${arn.replace(':stateMachine:', ':execution:')}:${name}`;
  }

  private async claimAndLaunch(
    machine: RegisteredMachine,
    executionArn: string,
    name: string,
    inputText: string,
    input: JsonValue,
  ): Promise<StartExecutionResult> {
    const live = this.running.get(executionArn);
    const existing = live?.record ?? (await this.store.get(executionArn));
    if (existing) {
      if (existing.status === 'RUNNING' && existing.input === inputText) {
        return { executionArn, startDate: existing.startDate };
      }
      throw new ExecutionAlreadyExistsError(
        existing.status === 'RUNNING' ? `execution ${name} is already running with a different input` : `execution ${name} already exists (${existing.status})`,
      );
    }
    const record: ExecutionRecord = {
      executionArn,
      stateMachineArn: machine.registration.arn,
      name,
      status: 'RUNNING',
      input: inputText,
      startDate: this.clock.now(),
      stateTransitions: 0,
      retries: 0,
    };
    await this.store.put(record);
    this.launch(machine, record, input);
    return { executionArn, startDate: record.startDate };
  }

  private launch(machine: RegisteredMachine, record: ExecutionRecord, input: JsonValue): void {
    const controller = new AbortController();
    let resolveDone: (record: ExecutionRecord) => void = () => undefined;
    const done = new Promise<ExecutionRecord>((resolve) => {
      resolveDone = resolve;
    });
    const live: RunningExecution = { record, machine, controller, abortEngine: () => undefined, done };
    this.running.set(record.executionArn, live);

    const taskHandlers = Object.fromEntries(
      [...machine.local.tasks.values()].map((spec) => [spec.stateName, (taskInput: JsonValue) => this.runTask(live, spec, taskInput)]),
    );
    const run = machine.engine.run(input, {
      overrides: { taskResourceLocalHandlers: taskHandlers },
      context: this.contextObjectFor(live),
    });
    live.abortEngine = run.abort;

    // StateEntered covers nested Map iterations and Parallel branches; StateRetried covers the
    // retries the engine still runs itself (Map, Parallel); Task retries are counted in runTask.
    const counting = (async () => {
      for await (const event of run.eventLogs) {
        if (event.type === 'StateEntered' || event.type === 'StateRetried') live.record.stateTransitions += 1;
        if (event.type === 'StateRetried') live.record.retries += 1;
      }
    })();

    const timeoutSeconds = machine.local.timeoutSeconds;
    if (timeoutSeconds !== undefined) {
      const deadline = new Date(record.startDate.getTime() + timeoutSeconds * 1000);
      this.clock.waitUntil(deadline, controller.signal).then(
        () => this.terminate(live, { status: 'TIMED_OUT', error: 'States.Timeout', cause: `the execution ran longer than ${timeoutSeconds} seconds` }),
        () => undefined,
      );
    }

    void run.result
      .then(
        (output): Partial<ExecutionRecord> => ({ status: 'SUCCEEDED', output: JSON.stringify(output) }),
        (error: unknown): Partial<ExecutionRecord> => this.closingFields(live, error),
      )
      .then(async (closing) => {
        controller.abort(new StatesTaskError('States.Aborted', 'the execution is closed'));
        await counting;
        Object.assign(live.record, closing, { stopDate: this.clock.now() });
        this.running.delete(record.executionArn);
        await this.store.put(live.record);
        const finished = structuredClone(live.record);
        resolveDone(finished);
        await this.notifyFinished(finished);
      });
  }

  private closingFields(live: RunningExecution, error: unknown): Partial<ExecutionRecord> {
    if (live.termination) {
      const { status, error: name, cause } = live.termination;
      return { status, ...(name === undefined ? {} : { error: name }), ...(cause === undefined ? {} : { cause }) };
    }
    if (error instanceof ExecutionError) {
      const failure = asNamedError(error.cause);
      return { status: 'FAILED', error: failure.name, cause: failure.message };
    }
    if (error instanceof ExecutionAbortedError || error instanceof ExecutionTimeoutError) {
      return { status: error instanceof ExecutionAbortedError ? 'ABORTED' : 'TIMED_OUT' };
    }
    const failure = asNamedError(error);
    return { status: 'FAILED', error: failure.name, cause: failure.message };
  }

  private terminate(live: RunningExecution, termination: Termination): void {
    if (live.termination || !this.running.has(live.record.executionArn)) return;
    live.termination = termination;
    live.controller.abort(new StatesTaskError(termination.status === 'ABORTED' ? 'States.Aborted' : 'States.Timeout', termination.cause ?? ''));
    live.abortEngine();
  }

  private async notifyFinished(record: ExecutionRecord): Promise<void> {
    for (const listener of this.finishedListeners) {
      try {
        await listener(structuredClone(record));
      } catch (error) {
        // A failing observer must not change the execution's outcome, but must not vanish either.
        console.error(`onExecutionFinished listener failed for ${record.executionArn}`, error);
      }
    }
  }

  /**
   * The context object. The engine overwrites Execution.StartTime with wall time, so the virtual
   * start goes in its own field (paths to StartTime are redirected there). `Task.Token` is a
   * getter: the engine evaluates Parameters and then calls the Task's override synchronously, so
   * the token handed out here is the one that Task takes.
   */
  private contextObjectFor(live: RunningExecution): Record<string, unknown> & { Execution: Record<string, unknown> } {
    const { record, machine } = live;
    return {
      Execution: {
        Id: record.executionArn,
        Name: record.name,
        RoleArn: `arn:aws:iam::${this.accountId}:role/local-step-functions`,
        [VIRTUAL_START_TIME_FIELD]: record.startDate.toISOString(),
      },
      StateMachine: { Id: machine.registration.arn, Name: machine.registration.name },
      Task: {
        get Token(): string {
          live.pendingTaskToken ??= newTaskToken();
          return live.pendingTaskToken;
        },
      },
    };
  }

  private runTask(live: RunningExecution, spec: LocalTaskSpec, input: JsonValue): Promise<JsonValue> {
    const signal = live.controller.signal;
    if (spec.resource === VIRTUAL_CLOCK_WAIT_RESOURCE) {
      return waitOnVirtualClock(input, this.clock, signal).then(toJsonValue);
    }
    const handler = live.machine.handlers.get(spec.stateName);
    if (!handler) return Promise.reject(new TaskHandlerNotFoundError(`no local implementation for ${spec.resource}`));
    const waitsForToken = spec.resource.endsWith('.waitForTaskToken');
    // Taken synchronously: the token was handed out while this Task's Parameters were evaluated.
    const taskToken = waitsForToken ? (live.pendingTaskToken ?? newTaskToken()) : undefined;
    live.pendingTaskToken = undefined;
    const { record } = live;
    return runTaskWithRetries({
      spec,
      signal,
      clock: this.clock,
      timeoutOnClock: waitsForToken,
      onRetry: () => {
        record.stateTransitions += 1;
        record.retries += 1;
      },
      attempt: async (attemptSignal) => {
        const context = {
          stateName: spec.stateName,
          resource: spec.resource,
          executionArn: record.executionArn,
          executionName: record.name,
          stateMachineArn: record.stateMachineArn,
          signal: attemptSignal,
          ...(taskToken === undefined ? {} : { taskToken }),
        };
        if (taskToken === undefined) return handler(input, context);
        const completion = this.waitForTaskToken(taskToken, record.executionArn, attemptSignal);
        try {
          await handler(input, context);
        } catch (error) {
          completion.cancel();
          throw error;
        }
        return completion.result;
      },
    }).then(toJsonValue);
  }

  private waitForTaskToken(taskToken: string, executionArn: string, signal: AbortSignal): { result: Promise<unknown>; cancel: () => void } {
    const settle = () => {
      this.taskTokens.delete(taskToken);
      signal.removeEventListener('abort', onAbort);
    };
    let onAbort: () => void = () => undefined;
    const result = new Promise((resolve, reject) => {
      onAbort = () => {
        settle();
        reject(asNamedError(signal.reason));
      };
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      this.taskTokens.set(taskToken, {
        executionArn,
        succeed: (output) => {
          settle();
          resolve(output);
        },
        fail: (error) => {
          settle();
          reject(error);
        },
      });
    });
    return { result, cancel: settle };
  }

  private takeTaskTokenWaiter(taskToken: string): TaskTokenWaiter {
    const waiter = this.taskTokens.get(taskToken);
    if (!waiter) throw new TaskDoesNotExistError('no task is waiting for this token (unknown, completed, or its execution is closed)');
    return waiter;
  }
}
