import type { BehaviourEvent } from '../../domain/events/behaviour-event';
import { isDailyActionEvent, type CheckInOutcome } from '../../domain/loyalty';
import { recordDailyAction, type CheckInPorts, type CheckInResult } from './check-in';

/** What one raw event did to one program whose daily action it is. */
export interface ProgramEventResult {
  readonly programId: string;
  readonly outcome: CheckInOutcome['kind'];
  readonly grantOutcomes: CheckInResult['grantOutcomes'];
}

/**
 * Counts a stored raw event as the daily action of every program whose action it is (e.g. an
 * onboarding program's `feature_use` of the playlist feature), for the user's local day at the
 * event's own time. A user not enrolled in such a program costs one consistent read; a second
 * event the same day, or a redelivered one, is `already-checked-in-today` and grants nothing.
 */
export async function countProgramEvent(ports: CheckInPorts, event: BehaviourEvent): Promise<ProgramEventResult[]> {
  const feature = 'feature' in event ? event.feature : undefined;
  const definitions = ports.rules.programs.filter((definition) => isDailyActionEvent(definition, { type: event.type, feature }));
  const results: ProgramEventResult[] = [];
  for (const definition of definitions) {
    const { outcome, grantOutcomes } = await recordDailyAction(ports, { userId: event.userId, definition, at: new Date(event.timestamp) });
    results.push({ programId: definition.programId, outcome: outcome.kind, grantOutcomes });
  }
  return results;
}
