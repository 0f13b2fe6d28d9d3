/**
 * What the three tasks of the nightly scoring workflow exchange (the run request, the prepared run,
 * a segment's task, the summary request) and the pure rules they share: the default and refitted
 * model parameters. The use cases are in shared/application/scoring.
 */
import { z } from 'zod';
import {
  BgnbdParams,
  fitBgnbd,
  fitGammaGamma,
  GammaGammaParams,
  ModelFitError,
  scorePopulation,
  type ScoringConfig,
  type ScoringParams,
  type UserFeatures,
} from '../models';
import { SegmentCounts } from './run-summary';
import { ScoringReference } from './reference';
import type { FeatureOptions } from './user-features';
import { ScanCursor, type ModelParameterSet } from './ports';

/**
 * Parameters used until a first fit succeeds: the published BG/NBD and Gamma–Gamma estimates on
 * the CDNow data set in weeks (Fader, Hardie & Lee 2005; Fader & Hardie 2013).
 */
export const DEFAULT_MODEL_PARAMS = {
  bgnbd: { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 },
  gammagamma: { p: 6.25, q: 3.74, v: 15.44 },
} as const;

/** The default parameters as the set a run stores on `date` when it has no fitted set to use. */
export function defaultParameterSet(date: string): ModelParameterSet {
  return { version: 'params-default', fittedOn: date, source: 'default', ...DEFAULT_MODEL_PARAMS, customers: 0, converged: true };
}

/** Fewer repeat customers than this and a fit is not trusted: the previous or default set stays. */
const MIN_REPEAT_CUSTOMERS = 30;

export interface ScoringSettings {
  totalSegments: number;
  refitEveryDays: number;
  sampleUsers: number;
  config: ScoringConfig;
  coreFeatures: ReadonlySet<string>;
}

/** What starts a run: the scheduler's `{ date }` or the API's, plus the execution's name and start. */
export const RunRequest = z.object({
  runId: z.string().min(1),
  startedAt: z.string().min(1),
  input: z
    .object({
      date: z.string().optional(),
      /** Caps users per segment invocation (tests use it to exercise resumption). */
      maxUsersPerInvocation: z.number().int().positive().optional(),
    })
    .loose()
    .prefault({}),
});
export type RunRequest = z.infer<typeof RunRequest>;

const Params = z.object({ bgnbd: BgnbdParams, gammagamma: GammaGammaParams });

/** The output of PrepareRun, carried through the Map to every segment. */
export const PreparedRun = z.object({
  runId: z.string(),
  date: z.iso.date(),
  startedAt: z.string(),
  paramsVersion: z.string(),
  refitted: z.boolean(),
  params: Params,
  reference: ScoringReference,
  totalSegments: z.number().int().positive(),
  segments: z.array(z.number().int().min(0)),
  sampleReadUnits: z.number().min(0),
  estimatedUsers: z.number().int().min(0),
  maxUsersPerInvocation: z.number().int().positive().nullable(),
});
export type PreparedRun = z.infer<typeof PreparedRun>;

/** One Map iteration's state: which segment, where its scan stands, what it has done so far. */
export const SegmentTask = z.object({
  runId: z.string(),
  date: z.iso.date(),
  segment: z.number().int().min(0),
  totalSegments: z.number().int().positive(),
  params: Params,
  reference: ScoringReference,
  maxUsersPerInvocation: z.number().int().positive().nullable(),
  cursor: ScanCursor.nullable().default(null),
  counts: SegmentCounts.optional(),
  memoryMb: z.number().int().positive().optional(),
});
export type SegmentTask = z.infer<typeof SegmentTask>;

export interface SegmentTaskResult extends SegmentTask {
  counts: SegmentCounts;
  /** true once the segment has been read to its end. */
  done: boolean;
  memoryMb: number;
}

/** How features are computed for a run's day. */
export function featureOptions(date: string, settings: ScoringSettings): FeatureOptions {
  return { runDate: date, coreFeatures: settings.coreFeatures, timeUnit: settings.config.timeUnit };
}

/** The UTC day `days` before `date`. */
export function daysBefore(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) - days * 86_400_000).toISOString().slice(0, 10);
}

/**
 * Whether a parameter set scores the sample to finite numbers. A degenerate BG/NBD optimum (a and
 * b in the millions: the data show no dropout) is a valid fit whose hypergeometric terms cannot be
 * evaluated; such a set is not used.
 */
function scoresSample(params: ScoringParams, sample: readonly UserFeatures[], config: ScoringConfig): boolean {
  try {
    return scorePopulation(sample, params, config).every(
      (score) => Number.isFinite(score.clv) && Number.isFinite(score.expectedPurchases) && Number.isFinite(score.churnRisk),
    );
  } catch (error) {
    if (error instanceof Error && error.name === 'SeriesDidNotConvergeError') return false;
    throw error;
  }
}

/** Fits both models on the sample's purchasers; null when there is too little to fit or the fit is unusable. */
export function refitModelParams(
  sample: readonly UserFeatures[],
  date: string,
  previous: ModelParameterSet | null,
  config: ScoringConfig,
): ModelParameterSet | null {
  const histories = sample.flatMap((user) => (user.purchases ? [user.purchases] : []));
  if (histories.filter((history) => history.frequency > 0).length < MIN_REPEAT_CUSTOMERS) return null;
  // Warm-started from an earlier fit only: the default set is no estimate of this data, and
  // starting from it would make a re-run on the same sample (after a first night that could not
  // fit, and stored the default) fit differently from that night.
  const warm = previous?.source === 'fitted' ? previous : null;
  try {
    const bgnbd = fitBgnbd(histories, warm ? { start: warm.bgnbd } : {});
    const gammagamma = fitGammaGamma(histories, warm ? { start: warm.gammagamma } : {});
    if (!scoresSample({ bgnbd: bgnbd.params, gammagamma: gammagamma.params }, sample, config)) return null;
    return {
      version: `params-${date}`,
      fittedOn: date,
      source: 'fitted',
      bgnbd: bgnbd.params,
      gammagamma: gammagamma.params,
      customers: bgnbd.n,
      converged: bgnbd.converged && gammagamma.converged,
    };
  } catch (error) {
    if (error instanceof ModelFitError) return null;
    throw error;
  }
}

export const SummarizeRequest = z.object({
  prepared: PreparedRun,
  /** What each Map iteration's SegmentScored state keeps of its last invocation. */
  segments: z.array(z.object({ segment: z.number().int().min(0), counts: SegmentCounts, memoryMb: z.number().int().positive() })),
});
export type SummarizeRequest = z.infer<typeof SummarizeRequest>;
