import type { Clock } from '../../domain/common';
import {
  buildScoringReference,
  daysBefore,
  defaultParameterSet,
  featureOptions,
  featuresOf,
  refitModelParams,
  runDateOf,
  type ModelParamsStore,
  type PreparedRun,
  type RunRequest,
  type RunStore,
  type ScoringSettings,
  type UserSampler,
} from '../../domain/scoring-run';

/**
 * Decides the run date, refits the parameters when the newest set is `refitEveryDays` old or more
 * (on the sample), computes the sample's cut points and lists the segments to scan.
 */
export async function prepareRun(
  request: RunRequest,
  deps: { sampler: UserSampler; params: ModelParamsStore; runs: RunStore; clock: Clock; settings: ScoringSettings },
): Promise<PreparedRun> {
  const { settings } = deps;
  const date = runDateOf(request.input.date, deps.clock.now());
  const sample = await deps.sampler.sample(settings.sampleUsers);
  const sampleFeatures = sample.users.map((user) => featuresOf(user, featureOptions(date, settings)));

  let params = await deps.params.latestOnOrBefore(date);
  let refitted = false;
  if (!params || params.source === 'default' || params.fittedOn <= daysBefore(date, settings.refitEveryDays)) {
    const fitted = refitModelParams(sampleFeatures, date, params, settings.config);
    if (fitted) {
      await deps.params.put(fitted);
      params = fitted;
      refitted = true;
    } else if (!params) {
      params = defaultParameterSet(date);
      await deps.params.put(params);
    }
  }
  const scoringParams = { bgnbd: params.bgnbd, gammagamma: params.gammagamma };
  const reference = buildScoringReference(sampleFeatures, scoringParams, settings.config);
  const estimatedUsers = Math.round(sample.users.length / Math.max(sample.fraction, 1e-9));
  await deps.runs.putPrepared({ runId: request.runId, date, totalSegments: settings.totalSegments, estimatedUsers, startedAt: request.startedAt });
  return {
    runId: request.runId,
    date,
    startedAt: request.startedAt,
    paramsVersion: params.version,
    refitted,
    params: scoringParams,
    reference,
    totalSegments: settings.totalSegments,
    segments: Array.from({ length: settings.totalSegments }, (_, i) => i),
    sampleReadUnits: sample.readUnits,
    estimatedUsers,
    maxUsersPerInvocation: request.input.maxUsersPerInvocation ?? null,
  };
}
