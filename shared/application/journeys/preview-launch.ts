import type { Clock } from '../../domain/common';
import {
  definitionOf,
  previewFromSummary,
  previewJourneyLaunch,
  type AudienceSummaryStore,
  type JourneyLaunchPreview,
  type JourneyStore,
  type LaunchRequest,
  type ScoreReader,
  type SummaryLaunchPreview,
} from '../../domain/journeys';
import { findAudience } from './find-audience';

export interface PreviewPorts {
  clock: Clock;
  scores: ScoreReader;
  journeys: Pick<JourneyStore, 'get' | 'membersAmong'>;
  summaries: Pick<AudienceSummaryStore, 'latest'>;
}

/** A preview counted user by user from the scores as they are now (`exact: true`, or no summary yet). */
export type ScanLaunchPreview = JourneyLaunchPreview & { source: 'scan'; exact: true };

/**
 * The dry run of a launch. By default it answers from the nightly audience summary (a few items,
 * in well under a second at any size), saying how fresh it is and whether its counts are exact.
 * With `exact`, or before any summary exists, it reads the audience as selected right now; when
 * the journey exists, matched users who are already its members are counted apart, as a launch
 * would not enroll them again. Writes nothing.
 */
export async function previewLaunch(
  request: LaunchRequest,
  ports: PreviewPorts,
  options: { exact?: boolean } = {},
): Promise<SummaryLaunchPreview | ScanLaunchPreview> {
  const definition = definitionOf(request);
  const summary = options.exact ? undefined : await ports.summaries.latest();
  if (summary) return previewFromSummary(definition, request.audience, summary, ports.clock.now());
  const users = await findAudience(request.audience, ports);
  const members = (await ports.journeys.get(definition.id))
    ? await ports.journeys.membersAmong(
        definition.id,
        users.map((user) => user.userId),
      )
    : new Set<string>();
  return { source: 'scan', exact: true, ...previewJourneyLaunch(definition, users, members) };
}
