import type { Clock } from '../../domain/common';
import {
  definitionOf,
  previewFromSummary,
  type AudienceCountAnswer,
  type AudienceSummaryStore,
  type LaunchRequest,
  type SummaryLaunchPreview,
} from '../../domain/journeys';
import { requestAudienceCount, type RequestCountPorts } from './count-audience';

export interface PreviewPorts extends RequestCountPorts {
  clock: Clock;
  summaries: Pick<AudienceSummaryStore, 'latest'>;
}

/**
 * What a preview request comes to: the preview from the audience summary at once, or an exact
 * count started (to follow until it answers the preview).
 */
export type PreviewOutcome =
  { kind: 'summary'; preview: SummaryLaunchPreview } | { kind: 'counting'; count: AudienceCountAnswer; reason: 'exact' | 'no-summary' };

/**
 * The dry run of a launch. By default it answers from the nightly audience summary (a few items,
 * in well under a second at any size), saying how fresh it is and whether its counts are exact.
 * With `exact`, or before any summary exists, it starts an exact count: the launch workflow's
 * selection run without enrolling (count-audience.ts), which counts the audience as selected now,
 * matched users already members of the journey apart. Never reads the scores inside the request.
 */
export async function previewLaunch(request: LaunchRequest, ports: PreviewPorts, options: { exact?: boolean } = {}): Promise<PreviewOutcome> {
  const definition = definitionOf(request);
  const summary = options.exact ? undefined : await ports.summaries.latest();
  if (summary) return { kind: 'summary', preview: previewFromSummary(definition, request.audience, summary, ports.clock.now()) };
  return { kind: 'counting', count: await requestAudienceCount(request, ports), reason: options.exact ? 'exact' : 'no-summary' };
}
