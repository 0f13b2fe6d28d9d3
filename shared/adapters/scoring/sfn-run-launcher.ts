import { DescribeExecutionCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { ExecutionStatus, RunLauncher } from '../../domain/scoring-run';

let sfn: SFNClient | undefined;

/** The process's Step Functions client (the local endpoint locally, from the SDK environment). */
export function stepFunctionsClient(): SFNClient {
  sfn ??= new SFNClient({ maxAttempts: 5 });
  return sfn;
}

/** The execution ARN of a named execution of a state machine, as Step Functions forms it. */
export function executionArnOf(stateMachineArn: string, name: string): string {
  return `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
}

export type { ExecutionStatus } from '../../domain/scoring-run';

/** Starts and describes executions of the nightly scoring machine. */
export class StepFunctionsRunLauncher implements RunLauncher {
  constructor(
    private readonly stateMachineArn: string,
    private readonly client: SFNClient = stepFunctionsClient(),
  ) {}

  async start(name: string, input: string): Promise<'started' | 'exists'> {
    try {
      await this.client.send(new StartExecutionCommand({ stateMachineArn: this.stateMachineArn, name, input }));
      return 'started';
    } catch (error) {
      if (error instanceof Error && error.name === 'ExecutionAlreadyExists') return 'exists';
      throw error;
    }
  }

  async describe(name: string): Promise<ExecutionStatus | null> {
    try {
      const answer = await this.client.send(new DescribeExecutionCommand({ executionArn: executionArnOf(this.stateMachineArn, name) }));
      return {
        status: answer.status ?? 'UNKNOWN',
        startDate: answer.startDate?.toISOString() ?? null,
        stopDate: answer.stopDate?.toISOString() ?? null,
        error: answer.error ?? null,
        cause: answer.cause ?? null,
      };
    } catch (error) {
      if (error instanceof Error && error.name === 'ExecutionDoesNotExist') return null;
      throw error;
    }
  }
}
