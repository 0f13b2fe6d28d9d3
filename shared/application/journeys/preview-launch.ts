import { definitionOf, previewJourneyLaunch, type JourneyLaunchPreview, type JourneyStore, type LaunchRequest, type ScoreReader } from '../../domain/journeys';
import { findAudience } from './find-audience';

export interface PreviewPorts {
  scores: ScoreReader;
  journeys: Pick<JourneyStore, 'get' | 'membersAmong'>;
}

/**
 * The domain's dry run on the audience as selected right now. When the journey exists, matched
 * users who are already its members are counted apart: a launch would not enroll them again.
 * Writes nothing.
 */
export async function previewLaunch(request: LaunchRequest, ports: PreviewPorts): Promise<JourneyLaunchPreview> {
  const definition = definitionOf(request);
  const users = await findAudience(request.audience, ports);
  const members = (await ports.journeys.get(definition.id)) ? await ports.journeys.membersAmong(definition.id, users.map((user) => user.userId)) : new Set<string>();
  return previewJourneyLaunch(definition, users, members);
}
