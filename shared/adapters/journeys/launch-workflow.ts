import { StartExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { LAUNCH_SCAN_SEGMENTS, type CountWorkflow, type LaunchWorkflow } from '../../domain/journeys';
import { LaunchWorkflowUnavailable } from './errors';

/** The launch workflow's execution name of an attempt: deterministic, so starting it twice starts it once. */
export function launchExecutionName(journeyId: string, attempt: number): string {
  return `${journeyId}_launch_${attempt}`;
}

/**
 * Starts the launch state machine (workflows/journey-launch.ts) for a journey's attempt, with the
 * scan segments its inline Map runs over. ExecutionAlreadyExists means the attempt runs (or ran):
 * fine. Throttling is the SDK's to retry; what still fails is {@link LaunchWorkflowUnavailable}
 * (503 with Retry-After): the journey is stored `launching`, and sending the request again starts it.
 */
export class StepFunctionsLaunchWorkflow implements LaunchWorkflow {
  constructor(
    private readonly client: SFNClient,
    private readonly stateMachineArn: string,
  ) {}

  async start(journeyId: string, attempt: number): Promise<void> {
    const input = { journeyId, segments: [...Array(LAUNCH_SCAN_SEGMENTS).keys()], totalSegments: LAUNCH_SCAN_SEGMENTS };
    try {
      await this.client.send(
        new StartExecutionCommand({ stateMachineArn: this.stateMachineArn, name: launchExecutionName(journeyId, attempt), input: JSON.stringify(input) }),
      );
    } catch (error) {
      if (error instanceof Error && error.name === 'ExecutionAlreadyExists') return;
      throw new LaunchWorkflowUnavailable(`the launch workflow of ${journeyId} (attempt ${attempt}) could not be started`, {
        cause: error,
        retryAfterSeconds: 2,
      });
    }
  }
}

/**
 * Starts the count state machine (the launch workflow's selection, counting: see
 * workflows/journey-launch.ts) for an exact count, named for its id.
 */
export class StepFunctionsCountWorkflow implements CountWorkflow {
  constructor(
    private readonly client: SFNClient,
    private readonly stateMachineArn: string,
  ) {}

  async start(countId: string): Promise<void> {
    const input = { countId, segments: [...Array(LAUNCH_SCAN_SEGMENTS).keys()], totalSegments: LAUNCH_SCAN_SEGMENTS };
    try {
      await this.client.send(new StartExecutionCommand({ stateMachineArn: this.stateMachineArn, name: `count_${countId}`, input: JSON.stringify(input) }));
    } catch (error) {
      if (error instanceof Error && error.name === 'ExecutionAlreadyExists') return;
      throw new LaunchWorkflowUnavailable(`the count workflow of ${countId} could not be started`, { cause: error, retryAfterSeconds: 2 });
    }
  }
}
