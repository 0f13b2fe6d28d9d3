import {
  acceptsStarts,
  buildExecutionInput,
  compileJourneyPlan,
  journeyExecutionName,
  type EnrollmentMessage,
  type ExecutionStarter,
  type JourneyStore,
  type LaunchProgressStore,
  type StartOutcome,
  type StoredJourney,
} from '../../domain/journeys';
import { personalizePlan } from '../../domain/experiments';

export interface StartPorts {
  journeys: Pick<JourneyStore, 'get'>;
  starter: Pick<ExecutionStarter, 'start'>;
}

export type StartEnrollmentOutcome = StartOutcome | 'journey-closed' | 'journey-missing';

/**
 * Starts the execution of one queued enrollment under its deterministic name ("already
 * enrolled" when it exists). A journey stopped or completed in the meantime starts nothing; a
 * paused one starts, and its execution holds at each step. A start that keeps failing throws, so
 * the message goes back to the queue.
 */
export async function startEnrollment(message: EnrollmentMessage, ports: StartPorts): Promise<StartEnrollmentOutcome> {
  const journey = await ports.journeys.get(message.journeyId);
  if (!journey) return 'journey-missing';
  if (!acceptsStarts(journey.status)) return 'journey-closed';
  const entry = message.entry ?? 1;
  const plan = personalizePlan(compileJourneyPlan(journey.definition), journey.definition, message.userId);
  const input = buildExecutionInput(plan, message.userId, new Date(message.enrolledAt), entry);
  return ports.starter.start(journeyExecutionName(message.journeyId, message.userId, entry), JSON.stringify(input));
}

/**
 * The journey store read once per journey: a batch of enrollments of one journey reads its
 * definition once. Build one per batch, so a later batch sees a status change.
 */
export function readingEachJourneyOnce(journeys: Pick<JourneyStore, 'get'>): Pick<JourneyStore, 'get'> {
  const seen = new Map<string, Promise<StoredJourney | undefined>>();
  return {
    get(journeyId) {
      let journey = seen.get(journeyId);
      if (!journey) {
        journey = journeys.get(journeyId);
        seen.set(journeyId, journey);
        // A failed read is not remembered: the next message of the journey reads again.
        journey.catch(() => seen.delete(journeyId));
      }
      return journey;
    },
  };
}

/**
 * Adds the executions a batch started to each journey's launch progress, one write per journey.
 * `startedJourneyIds` holds a journey id per execution started (not per "already enrolled").
 */
export async function recordStartedExecutions(
  startedJourneyIds: readonly string[],
  ports: { launches: Pick<LaunchProgressStore, 'addStarted'> },
): Promise<void> {
  const counts = new Map<string, number>();
  for (const journeyId of startedJourneyIds) counts.set(journeyId, (counts.get(journeyId) ?? 0) + 1);
  await Promise.all([...counts].map(([journeyId, count]) => ports.launches.addStarted(journeyId, count)));
}
