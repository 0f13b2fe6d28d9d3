import { SFNClient, StartExecutionCommand, StopExecutionCommand } from '@aws-sdk/client-sfn';
import type { ExecutionStarter, StartOutcome } from '../../domain/journeys';
import { StartExecutionFailed } from './errors';

let sfnClient: SFNClient | undefined;

/** The process's one Step Functions client (AWS_ENDPOINT_URL_SFN points it at the local engine). */
export function stepFunctionsClient(): SFNClient {
  sfnClient ??= new SFNClient({ maxAttempts: 3 });
  return sfnClient;
}

const THROTTLE_NAMES = new Set(['ThrottlingException', 'TooManyRequestsException', 'RequestLimitExceeded', 'InternalFailure', 'ServiceUnavailable']);
const MAX_ATTEMPTS = 6;

function fullJitter(attempt: number): Promise<void> {
  const ceiling = Math.min(2_000, 50 * 2 ** attempt);
  return new Promise((resolve) => setTimeout(resolve, Math.random() * ceiling));
}

/**
 * Starts (and stops) journey executions by their deterministic names. `ExecutionAlreadyExists`
 * means the user is already enrolled: an answer, not an error. Throttling is retried with full
 * jitter on top of the SDK's own retries; what still fails throws {@link StartExecutionFailed} so the
 * message returns to the queue.
 */
export class StepFunctionsExecutionStarter implements ExecutionStarter {
  constructor(
    private readonly client: SFNClient,
    private readonly stateMachineArn: string,
  ) {}

  executionArnOf(name: string): string {
    return `${this.stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
  }

  async start(name: string, input: string): Promise<StartOutcome> {
    for (let attempt = 0; ; attempt++) {
      try {
        await this.client.send(new StartExecutionCommand({ stateMachineArn: this.stateMachineArn, name, input }));
        return 'started';
      } catch (error) {
        const errorName = error instanceof Error ? error.name : '';
        if (errorName === 'ExecutionAlreadyExists') return 'already-enrolled';
        if (!THROTTLE_NAMES.has(errorName)) throw error;
        if (attempt + 1 >= MAX_ATTEMPTS)
          throw new StartExecutionFailed(`StartExecution ${name} still failing after ${MAX_ATTEMPTS} attempts: ${errorName}`, { cause: error });
        await fullJitter(attempt);
      }
    }
  }

  /** Stops the execution if it runs; one never started (or already closed) is fine. */
  async stop(name: string, cause: string): Promise<void> {
    try {
      await this.client.send(new StopExecutionCommand({ executionArn: this.executionArnOf(name), error: 'JourneyStopped', cause }));
    } catch (error) {
      if (error instanceof Error && error.name === 'ExecutionDoesNotExist') return;
      throw error;
    }
  }
}
