import { InvalidInputError, NotFoundError, type Clock } from '../../domain/common';
import type { KillSwitchStore } from '../../domain/messaging';
import { IncidentNotOpenError, isAutomaticStop, resumeIncidentRecord, type Incident, type IncidentStore } from '../../domain/health';

/**
 * A person resumes an incident, with a reason: the incident records who, when and why (as its O
 * and P steps), and the kill switch goes off if it is still the one STOP turned on for it; a kill
 * switch a person turned on meanwhile stays on.
 */
export async function resumeIncident(
  request: { incidentId: string; by: string; reason: string },
  ports: { incidents: IncidentStore; killSwitch: KillSwitchStore; clock: Clock },
): Promise<Incident> {
  const reason = request.reason.trim();
  if (reason === '') throw new InvalidInputError('a reason is required to resume', [{ index: null, path: 'reason', message: 'must not be empty' }]);
  const incident = await ports.incidents.get(request.incidentId);
  if (!incident) throw new NotFoundError(`no incident ${request.incidentId}`);
  if (incident.status !== 'open') throw new IncidentNotOpenError(request.incidentId);
  const now = ports.clock.now();
  const resumed = resumeIncidentRecord(incident, request.by, reason, now.toISOString());
  if (!(await ports.incidents.replace(resumed, 'open'))) throw new IncidentNotOpenError(request.incidentId);
  if (isAutomaticStop(await ports.killSwitch.read(), incident.incidentId)) await ports.killSwitch.write({ active: false }, now);
  return resumed;
}
