/** Execution statuses, as DescribeExecution reports them. */
export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

/** What the runtime remembers of one execution; shaped like DescribeExecution's answer. */
export interface ExecutionRecord {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: ExecutionStatus;
  /** The input as given, JSON text. */
  input: string;
  /** JSON text; set when SUCCEEDED. */
  output?: string;
  error?: string;
  cause?: string;
  /** On the virtual clock. */
  startDate: Date;
  /** On the virtual clock; set once the execution is closed. */
  stopDate?: Date;
  /** States entered plus retries, as Standard Workflows bill them. */
  stateTransitions: number;
  /** The retries among those transitions: what transient failures added to the designed path. */
  retries: number;
}

/**
 * Where execution records live. The in-memory store is the default; a persistent one (a file, a
 * DynamoDB Local table) can implement this to keep history across restarts. Running executions
 * themselves are not resumed after a restart: a store only keeps their records.
 */
export interface ExecutionStore {
  put(record: ExecutionRecord): Promise<void>;
  get(executionArn: string): Promise<ExecutionRecord | undefined>;
  /** Newest first, as ListExecutions answers. */
  list(stateMachineArn: string, status?: ExecutionStatus): Promise<ExecutionRecord[]>;
}

/** Keeps records in a Map; copies on the way in and out so callers cannot change stored state. */
export class InMemoryExecutionStore implements ExecutionStore {
  private readonly records = new Map<string, ExecutionRecord>();

  async put(record: ExecutionRecord): Promise<void> {
    this.records.set(record.executionArn, structuredClone(record));
  }

  async get(executionArn: string): Promise<ExecutionRecord | undefined> {
    const record = this.records.get(executionArn);
    return record && structuredClone(record);
  }

  async list(stateMachineArn: string, status?: ExecutionStatus): Promise<ExecutionRecord[]> {
    return [...this.records.values()]
      .filter((record) => record.stateMachineArn === stateMachineArn && (status === undefined || record.status === status))
      .sort((left, right) => right.startDate.getTime() - left.startDate.getTime())
      .map((record) => structuredClone(record));
  }
}
