import type { ExecutionStarter, StartOutcome } from '../../../shared/domain/journeys';

/** Executions by name in memory: a name that exists answers "already enrolled", as Step Functions does. */
export class InMemoryExecutionStarter implements ExecutionStarter {
  readonly started = new Map<string, string>();
  readonly stopped: string[] = [];

  async start(name: string, input: string): Promise<StartOutcome> {
    if (this.started.has(name)) return 'already-enrolled';
    this.started.set(name, input);
    return 'started';
  }

  async stop(name: string): Promise<void> {
    if (this.started.has(name)) this.stopped.push(name);
  }
}
