import { addDays } from '../common';
import { reportingDayBefore, type HealthAlert } from '../health';
import type { RolloutHaltAlert } from './ports';

const percent = (share: number) => `${(share * 100).toFixed(2)}%`;

export const ROLLOUT_HALTED_PLAYBOOK =
  'A guardrail halted a staged rollout: read the breach in `rekindle journeys report ID --variants`, fix the cause, then resume (POST /v1/journeys/{id}/resume) or stop the journey.';

/**
 * The health alert of a halted rollout, on the halt's day in the reporting time zone; its id names
 * the journey and the moment of the halt, so it is raised once per halt.
 */
export function rolloutHaltedAlert(halt: RolloutHaltAlert, timeZone: string): HealthAlert {
  const day = addDays(reportingDayBefore(new Date(halt.at), timeZone), 1);
  const breaches = halt.breaches.map((breach) => `${breach.guardrail} ${percent(breach.observed)} (limit ${percent(breach.limit)})`).join(', ');
  return {
    alertId: `${day}#rollout-halted#${halt.journeyId}#${halt.at}`,
    day,
    raisedAt: halt.at,
    level: 'orange',
    subject: { kind: 'rollout-halted', journeyId: halt.journeyId, stage: halt.stage, breaches: halt.breaches.map((breach) => ({ ...breach })) },
    playbook: ROLLOUT_HALTED_PLAYBOOK,
    summary: `rollout of journey ${halt.journeyId} halted at stage ${halt.stage + 1}: ${breaches}`,
  };
}
