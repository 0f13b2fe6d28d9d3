import type { LaunchWorkflow } from '../../../shared/domain/journeys';

/** The launch workflow as a record of the attempts started (each once, as deterministic names make it). */
export class RecordingLaunchWorkflow implements LaunchWorkflow {
  readonly started: Array<{ journeyId: string; attempt: number }> = [];

  async start(journeyId: string, attempt: number): Promise<void> {
    if (!this.started.some((run) => run.journeyId === journeyId && run.attempt === attempt)) this.started.push({ journeyId, attempt });
  }
}
