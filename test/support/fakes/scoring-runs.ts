import type { ExecutionStatus, RunLauncher, RunReader, RunRecord, RunStore, RunSummary, SegmentCounts } from '../../../shared/domain/scoring-run';

/** Executions by name, as Step Functions keeps them: a name is taken once. */
export class InMemoryRunLauncher implements RunLauncher {
  readonly executions = new Map<string, { input: string; status: ExecutionStatus }>();

  async start(name: string, input: string): Promise<'started' | 'exists'> {
    if (this.executions.has(name)) return 'exists';
    this.executions.set(name, { input, status: { status: 'RUNNING', startDate: null, stopDate: null, error: null, cause: null } });
    return 'started';
  }

  async describe(name: string): Promise<ExecutionStatus | null> {
    return this.executions.get(name)?.status ?? null;
  }
}

/** Run bookkeeping, written by the workflow's tasks and read back by the API. */
export class InMemoryRuns implements RunStore, RunReader {
  readonly prepared = new Map<string, NonNullable<RunRecord['prepared']>>();
  readonly segments = new Map<string, Map<number, { segment: number; done: boolean; counts: SegmentCounts }>>();
  readonly summaries: RunSummary[] = [];

  async putPrepared(run: { runId: string; date: string; totalSegments: number; estimatedUsers: number; startedAt: string }): Promise<void> {
    const { runId, ...prepared } = run;
    this.prepared.set(runId, prepared);
  }

  async putSegmentProgress(runId: string, segment: number, counts: SegmentCounts, done: boolean): Promise<void> {
    const segments = this.segments.get(runId) ?? new Map();
    segments.set(segment, { segment, done, counts });
    this.segments.set(runId, segments);
  }

  async putSummary(summary: RunSummary): Promise<void> {
    this.summaries.push(summary);
  }

  async getRun(runId: string): Promise<RunRecord> {
    return {
      prepared: this.prepared.get(runId) ?? null,
      segments: [...(this.segments.get(runId)?.values() ?? [])],
      summary: this.summaries.find((summary) => summary.runId === runId) ?? null,
    };
  }

  async latestSummary(): Promise<RunSummary | null> {
    return [...this.summaries].sort((a, b) => a.finishedAt.localeCompare(b.finishedAt)).at(-1) ?? null;
  }
}
