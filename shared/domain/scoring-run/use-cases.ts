/**
 * The three steps of the nightly scoring workflow, as use cases over ports:
 * prepareRun (run date, parameters, sample cut points, segments) → scoreSegment (one scan segment,
 * resumable) for every segment → summarizeRun (totals, transitions, duration, stored).
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
import type { Clock } from '../common';
import { nightlyTransitions, emptyCounts, mergeCounts, RunSummary, SegmentCounts, tally } from './run-summary';
import { decideScoreWrite, type StoredScore, type TierChange } from './score-record';
import { buildScoringReference, ScoringReference, scoreAgainstReference } from './reference';
import { runDateOf } from './run-date';
import { featuresOf, type FeatureOptions } from './user-features';
import { ScanCursor, type ModelParameterSet, type ModelParamsStore, type RunStore, type ScannedUserRecord, type ScoreSink, type TierChangePublisher, type UserSampler, type UserScanner } from './ports';

/**
 * Parameters used until a first fit succeeds: the published BG/NBD and Gamma–Gamma estimates on
 * the CDNow data set in weeks (Fader, Hardie & Lee 2005; Fader & Hardie 2013).
 */
export const DEFAULT_MODEL_PARAMS = {
  bgnbd: { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 },
  gammagamma: { p: 6.25, q: 3.74, v: 15.44 },
} as const;

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

function featureOptions(date: string, settings: ScoringSettings): FeatureOptions {
  return { runDate: date, coreFeatures: settings.coreFeatures, timeUnit: settings.config.timeUnit };
}

function daysBefore(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) - days * 86_400_000).toISOString().slice(0, 10);
}

/**
 * Whether a parameter set scores the sample to finite numbers. A degenerate BG/NBD optimum (a and
 * b in the millions: the data show no dropout) is a valid fit whose hypergeometric terms cannot be
 * evaluated; such a set is not used.
 */
function scoresSample(params: ScoringParams, sample: readonly UserFeatures[], config: ScoringConfig): boolean {
  try {
    return scorePopulation(sample, params, config).every((score) => Number.isFinite(score.clv) && Number.isFinite(score.expectedPurchases) && Number.isFinite(score.churnRisk));
  } catch (error) {
    if (error instanceof Error && error.name === 'SeriesDidNotConvergeError') return false;
    throw error;
  }
}

/** Fits both models on the sample's purchasers; null when there is too little to fit or the fit is unusable. */
function refit(sample: readonly UserFeatures[], date: string, previous: ModelParameterSet | null, config: ScoringConfig): ModelParameterSet | null {
  const histories = sample.flatMap((user) => (user.purchases ? [user.purchases] : []));
  if (histories.filter((history) => history.frequency > 0).length < MIN_REPEAT_CUSTOMERS) return null;
  try {
    const bgnbd = fitBgnbd(histories, previous ? { start: previous.bgnbd } : {});
    const gammagamma = fitGammaGamma(histories, previous ? { start: previous.gammagamma } : {});
    if (!scoresSample({ bgnbd: bgnbd.params, gammagamma: gammagamma.params }, sample, config)) return null;
    return { version: `params-${date}`, fittedOn: date, source: 'fitted', bgnbd: bgnbd.params, gammagamma: gammagamma.params, customers: bgnbd.n, converged: bgnbd.converged && gammagamma.converged };
  } catch (error) {
    if (error instanceof ModelFitError) return null;
    throw error;
  }
}

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
    const fitted = refit(sampleFeatures, date, params, settings.config);
    if (fitted) {
      await deps.params.put(fitted);
      params = fitted;
      refitted = true;
    } else if (!params) {
      params = { version: 'params-default', fittedOn: date, source: 'default', ...DEFAULT_MODEL_PARAMS, customers: 0, converged: true };
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

/**
 * Scores one segment until it ends or the invocation's budget is spent (`outOfTime`, or the
 * task's user cap), returning the cursor to resume from. Per page: features, scores against the
 * run's reference, tier changes published, then only the changed items written — events before
 * writes, so a retry after a failure re-sends an event (consumers are idempotent) rather than
 * losing one.
 */
export async function scoreSegment(
  task: SegmentTask,
  deps: { scanner: UserScanner; sink: ScoreSink; events: TierChangePublisher; runs: RunStore; settings: ScoringSettings; outOfTime: () => boolean; elapsedMs: () => number; memoryMb: number },
): Promise<SegmentTaskResult> {
  const counts = emptyCounts();
  const options = featureOptions(task.date, deps.settings);
  // Writes of a page overlap the next page's scan; a failed write is kept (never left unhandled)
  // and rethrown at the next flush, so the task fails and the state machine retries it.
  const pendingWrites: Promise<void>[] = [];
  let writeFailure: unknown = null;
  const flushWrites = async () => {
    await Promise.all(pendingWrites.splice(0));
    if (writeFailure !== null) throw writeFailure;
  };
  const onUsers = async (users: ScannedUserRecord[]) => {
    const features = users.map((user) => featuresOf(user, options));
    const scores = scoreAgainstReference(features, task.params, deps.settings.config, task.reference);
    tally(counts, scores);
    const items: StoredScore[] = [];
    const changes: TierChange[] = [];
    scores.forEach((score, i) => {
      const decision = decideScoreWrite(score, users[i]?.previous ?? null, task.date);
      if (decision.kind === 'unchanged') return;
      items.push(decision.item);
      if (decision.tierChange) changes.push(decision.tierChange);
    });
    if (changes.length > 0) await deps.events.publish(changes);
    counts.tierChanges += changes.length;
    counts.itemsWritten += items.length;
    if (items.length > 0) {
      pendingWrites.push(
        deps.sink.write(items).then(
          ({ writeUnits }) => void (counts.writeUnits += writeUnits),
          (error: unknown) => void (writeFailure ??= error),
        ),
      );
      if (pendingWrites.length >= 2) await flushWrites();
    }
  };
  const cap = task.maxUsersPerInvocation;
  // With a user cap, read in pages small enough for the cap to take effect (a 1 MB page can hold a
  // whole segment's users); without one, full pages.
  const scan = await deps.scanner.scanSegment(
    cap === null ? task : { ...task, pageItems: Math.max(10, cap * 2) },
    onUsers,
    () => deps.outOfTime() || (cap !== null && counts.usersScored >= cap),
  );
  await flushWrites();
  counts.readUnits = scan.readUnits;
  counts.itemsRead = scan.itemsRead;
  counts.invocations = 1;
  counts.lambdaMs = deps.elapsedMs();
  const total = task.counts ? mergeCounts(task.counts, counts) : counts;
  const done = scan.cursor === null;
  await deps.runs.putSegmentProgress(task.runId, task.segment, total, done);
  return { ...task, cursor: scan.cursor, counts: total, done, memoryMb: deps.memoryMb };
}

export const SummarizeRequest = z.object({
  prepared: PreparedRun,
  /** What each Map iteration's SegmentScored state keeps of its last invocation. */
  segments: z.array(z.object({ segment: z.number().int().min(0), counts: SegmentCounts, memoryMb: z.number().int().positive() })),
});
export type SummarizeRequest = z.infer<typeof SummarizeRequest>;

/** Adds up the segments, counts the run's transitions and duration, and stores the summary. */
export async function summarizeRun(request: SummarizeRequest, deps: { runs: RunStore; clock: Clock }): Promise<RunSummary> {
  const { prepared, segments } = request;
  const totals = mergeCounts(...segments.map((segment) => segment.counts));
  // PrepareRun's sample reads are part of the night's bill.
  totals.readUnits += prepared.sampleReadUnits;
  const finishedAt = deps.clock.now();
  const startedAt = new Date(prepared.startedAt);
  const summary: RunSummary = {
    runId: prepared.runId,
    date: prepared.date,
    paramsVersion: prepared.paramsVersion,
    refitted: prepared.refitted,
    totalSegments: prepared.totalSegments,
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    durationMs: Math.max(0, finishedAt.getTime() - startedAt.getTime()),
    stateTransitions: nightlyTransitions(prepared.totalSegments, totals.invocations),
    sampleReadUnits: prepared.sampleReadUnits,
    lambdaMemoryMb: segments[0]?.memoryMb ?? 0,
    totals,
  };
  await deps.runs.putSummary(summary);
  return summary;
}
