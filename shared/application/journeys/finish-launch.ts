import { z } from 'zod';
import type { Clock } from '../../domain/common';
import {
  JourneyNotFound,
  launchProgressOf,
  nextJourneyStatus,
  type JourneyStatus,
  type JourneyStore,
  type LaunchProgressStore,
  type LaunchTally,
} from '../../domain/journeys';

export const FinishLaunchInput = z.object({ journeyId: z.string().min(1) });
export type FinishLaunchInput = z.infer<typeof FinishLaunchInput>;

export interface FinishLaunchPorts {
  clock: Clock;
  journeys: Pick<JourneyStore, 'get' | 'transition' | 'recordLaunch'>;
  launches: Pick<LaunchProgressStore, 'checkpoints'>;
}

/**
 * The launch workflow's last step, once every segment is selected: records the launch's counts
 * (summed from the segments' checkpoints) and moves a launching journey to running. A journey
 * paused or stopped meanwhile keeps its status; resuming it then leads to running.
 * @throws {JourneyNotFound} when the journey is not stored.
 */
export async function finishLaunch(input: FinishLaunchInput, ports: FinishLaunchPorts): Promise<LaunchTally & { journeyId: string; status: JourneyStatus }> {
  const { journeyId } = input;
  const {
    started: _started,
    segmentsDone: _done,
    totalSegments: _total,
    selectionDone: _selected,
    ...tally
  } = launchProgressOf(await ports.launches.checkpoints(journeyId), 0);
  await ports.journeys.recordLaunch(journeyId, tally);
  for (;;) {
    const journey = await ports.journeys.get(journeyId);
    if (!journey) throw new JourneyNotFound(journeyId);
    const next = nextJourneyStatus(journey.status, 'finish-launch');
    if (next === undefined) return { journeyId, status: journey.status, ...tally };
    // A pause or stop pressed at this moment wins: read again and judge the new status.
    if (await ports.journeys.transition(journeyId, journey.status, next, ports.clock.now())) return { journeyId, status: next, ...tally };
  }
}
