import type { Clock } from '../../domain/common';
import {
  journeyExecutionName,
  resumedStatus,
  JourneyNotFound,
  type ExecutionStarter,
  type JourneyControlCommand,
  type JourneyStore,
  type StoredJourney,
} from '../../domain/journeys';
import { forEachConcurrently } from './for-each-concurrently';

export interface ControlPorts {
  clock: Clock;
  journeys: Pick<JourneyStore, 'get' | 'transition' | 'listMembers'>;
  starter: Pick<ExecutionStarter, 'stop'>;
}

export interface ControlResult {
  journey: StoredJourney;
  executionsStopped: number;
}

/**
 * Pauses, resumes or stops a journey. The transition is conditional on the status read, so two
 * marketers pressing pause and stop at once cannot both win: the loser reads again and is judged
 * on the new status. Paused executions hold each step and re-check daily; stopping also stops
 * every open execution (the holdout has none). During a launch, pause holds the launch workflow's
 * selection and stop ends it (members enrolled so far are stopped here; later queued starts find
 * the journey stopped); resuming a journey paused mid-launch goes back to launching.
 * @throws {JourneyNotFound} for an unknown id; {IllegalJourneyTransition} when the status does not allow the command.
 */
export async function controlJourney(journeyId: string, command: JourneyControlCommand, ports: ControlPorts): Promise<ControlResult> {
  const journey = await ports.journeys.get(journeyId);
  if (!journey) throw new JourneyNotFound(journeyId);
  const next = resumedStatus(journey, command);
  if (!(await ports.journeys.transition(journeyId, journey.status, next, ports.clock.now()))) return controlJourney(journeyId, command, ports);
  let executionsStopped = 0;
  if (command === 'stop') {
    const treated = (await ports.journeys.listMembers(journeyId)).filter((member) => !member.holdout);
    await forEachConcurrently(treated, 8, async (member) => {
      await ports.starter.stop(journeyExecutionName(journeyId, member.userId), `journey ${journeyId} was stopped`);
      executionsStopped += 1;
    });
  }
  return { journey: { ...journey, status: next }, executionsStopped };
}
