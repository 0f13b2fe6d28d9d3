import {
  definitionOf,
  estimateTransitions,
  isLaunchUnfinished,
  JourneyAlreadyExists,
  launchProgressOf,
  type JourneyStatus,
  type JourneyStore,
  type LaunchProgress,
  type LaunchProgressStore,
  type LaunchRequest,
  type LaunchWorkflow,
} from '../../domain/journeys';
import type { Clock } from '../../domain/common';

export interface LaunchPorts {
  clock: Clock;
  journeys: Pick<JourneyStore, 'create' | 'beginLaunchAttempt'>;
  launches: Pick<LaunchProgressStore, 'checkpoints' | 'started'>;
  launchWorkflow: LaunchWorkflow;
}

/** What POST /v1/journeys answers: the journey, the launch attempt under way and its progress so far. */
export interface LaunchResult extends LaunchProgress {
  journeyId: string;
  status: JourneyStatus;
  /** False for the request that created the journey; true for a later one (which resumes a failed launch). */
  relaunch: boolean;
  launchAttempt: number;
  transitionsPerTreatedUser: number;
}

/**
 * Launches a journey: stores it `launching` and starts the launch workflow, which selects the
 * audience over scan segments, enrolls each user only if absent, draws the holdout by stable hash
 * and queues the starts (see launch-segment.ts); the request answers at once, whatever the
 * audience's size. Launching the same journey again answers its progress and starts nothing new,
 * except that a launch whose workflow failed is resumed by a next attempt, which goes on from the
 * segments' cursors, so nobody is enrolled twice. A request that crashed between storing the
 * journey and starting its workflow is cured by the next one: the attempt's start is idempotent.
 * @throws {JourneyAlreadyExists} when the id runs another definition or is closed.
 */
export async function launchJourney(request: LaunchRequest, ports: LaunchPorts): Promise<LaunchResult> {
  const definition = definitionOf(request);
  const now = ports.clock.now().toISOString();
  // A lifecycle journey selects nobody: it runs at once, and its entry event brings the users in.
  const lifecycle = definition.entry.kind === 'event';
  const created = await ports.journeys.create({
    journeyId: definition.id,
    definition,
    audience: request.audience,
    status: lifecycle ? 'running' : 'launching',
    launchedAt: now,
    updatedAt: now,
    launchAttempt: 1,
  });
  const journey = created.journey;
  const transitionsPerTreatedUser = estimateTransitions(definition);
  if (created.kind === 'created' && lifecycle) {
    return {
      journeyId: definition.id,
      status: 'running',
      relaunch: false,
      launchAttempt: 1,
      ...launchProgressOf([], 0),
      selectionDone: true,
      transitionsPerTreatedUser,
    };
  }
  if (created.kind === 'created') {
    await ports.launchWorkflow.start(definition.id, 1);
    return { journeyId: definition.id, status: 'launching', relaunch: false, launchAttempt: 1, ...launchProgressOf([], 0), transitionsPerTreatedUser };
  }
  if (journey.status === 'stopped' || journey.status === 'completed' || journey.status === 'draft')
    throw new JourneyAlreadyExists(definition.id, `it is ${journey.status}`);
  if (JSON.stringify(journey.definition) !== JSON.stringify(definition))
    throw new JourneyAlreadyExists(definition.id, 'with another definition; choose a new id');
  let launchAttempt = journey.launchAttempt ?? 1;
  if (isLaunchUnfinished(journey)) {
    if (journey.launchFailure && (await ports.journeys.beginLaunchAttempt(definition.id, launchAttempt, launchAttempt + 1))) launchAttempt += 1;
    // Idempotent: the running attempt, or the one a concurrent request began, is not started twice.
    await ports.launchWorkflow.start(definition.id, launchAttempt);
  }
  const [checkpoints, started] = await Promise.all([ports.launches.checkpoints(definition.id), ports.launches.started(definition.id)]);
  // A journey launched before launches were workflows has its counts and no checkpoints.
  const progress =
    checkpoints.length === 0 && journey.launch
      ? { ...launchProgressOf([], started), ...journey.launch, alreadyEnrolled: journey.launch.alreadyEnrolled ?? 0, selectionDone: true }
      : launchProgressOf(checkpoints, started);
  return { journeyId: definition.id, status: journey.status, relaunch: true, launchAttempt, ...progress, transitionsPerTreatedUser };
}
