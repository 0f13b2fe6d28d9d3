import {
  estimateTransitions,
  JourneyNotFound,
  launchProgressOf,
  type JourneyStore,
  type LaunchProgress,
  type LaunchProgressStore,
  type StoredJourney,
} from '../../domain/journeys';

/** One line of the journey list: what a marketer scans for. */
export type JourneySummary = Pick<StoredJourney, 'journeyId' | 'status' | 'launchedAt' | 'updatedAt' | 'launch'> &
  Pick<StoredJourney['definition'], 'name' | 'tier' | 'automatic'>;

/** Every journey with its status and launch counts, newest launch first. */
export async function listJourneys(ports: { journeys: Pick<JourneyStore, 'list'> }): Promise<JourneySummary[]> {
  const journeys = await ports.journeys.list();
  return journeys.map(({ journeyId, definition, status, launchedAt, updatedAt, launch }) => ({
    journeyId,
    name: definition.name,
    tier: definition.tier,
    automatic: definition.automatic,
    status,
    launchedAt,
    updatedAt,
    launch,
  }));
}

/**
 * One journey as stored, with the state transitions each treated user costs and its launch's
 * progress (matched, enrolled, held out, queued, started; segments selected so far).
 * @throws {JourneyNotFound} for an unknown id.
 */
export async function getJourney(
  journeyId: string,
  ports: { journeys: Pick<JourneyStore, 'get'>; launches: Pick<LaunchProgressStore, 'checkpoints' | 'started'> },
): Promise<StoredJourney & { transitionsPerTreatedUser: number; progress: LaunchProgress }> {
  const journey = await ports.journeys.get(journeyId);
  if (!journey) throw new JourneyNotFound(journeyId);
  const [checkpoints, started] = await Promise.all([ports.launches.checkpoints(journeyId), ports.launches.started(journeyId)]);
  return { ...journey, transitionsPerTreatedUser: estimateTransitions(journey.definition), progress: launchProgressOf(checkpoints, started) };
}
