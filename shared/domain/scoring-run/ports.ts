/** What the scoring run needs from the outside world; adapters in shared/adapters/scoring. */
import { z } from 'zod';
import type { BgnbdParams, GammaGammaParams } from '../models';
import type { RunSummary, SegmentCounts } from './run-summary';
import type { AudienceReach, StoredScore, TierChange } from './score-record';
import type { ScannedUser } from './user-features';

/** Where a paused segment scan resumes: the key of the last item of the last complete user. */
export const ScanCursor = z.record(z.string(), z.string());
export type ScanCursor = z.infer<typeof ScanCursor>;

/** A user as the scan found them, with the score stored by the previous run. */
export interface ScannedUserRecord extends ScannedUser {
  previous: StoredScore | null;
  /** True when the stored item lacks attributes this version writes: it is written again even if its scores are unchanged. */
  previousStale?: boolean;
  /** The profile's locale and consents (null without a readable profile), copied into the SCORE item. */
  reach?: AudienceReach | null;
}

export interface SegmentScanResult {
  /** null when the segment was read to its end. */
  cursor: ScanCursor | null;
  readUnits: number;
  itemsRead: number;
}

/** Reads one parallel-scan segment of the users table, handing over complete users only. */
export interface UserScanner {
  /**
   * Calls `onUsers` for each page's complete users (a user split across pages is handed over with
   * the next page). After each page, `shouldStop()` may end the scan early; the cursor then says
   * where to resume.
   */
  scanSegment(
    request: { segment: number; totalSegments: number; cursor: ScanCursor | null; /** Items per page (default: 1 MB pages). */ pageItems?: number },
    onUsers: (users: ScannedUserRecord[]) => Promise<void>,
    shouldStop: () => boolean,
  ): Promise<SegmentScanResult>;
}

/** Draws the run's sample: whole segments of a fine split, in order, until enough users (or a capped share of the table). */
export interface UserSampler {
  sample(targetUsers: number): Promise<{ users: ScannedUser[]; readUnits: number; fraction: number }>;
}

/** Writes score items (retrying unprocessed ones) and reports the write units consumed. */
export interface ScoreSink {
  write(items: readonly StoredScore[]): Promise<{ writeUnits: number }>;
}

/** Publishes tier changes to the event bus (retrying failed entries). */
export interface TierChangePublisher {
  publish(changes: readonly TierChange[]): Promise<void>;
}

/** A stored model parameter set: fitted (or the defaults) on a date, with a version. */
export interface ModelParameterSet {
  version: string;
  fittedOn: string;
  source: 'fitted' | 'default';
  bgnbd: BgnbdParams;
  gammagamma: GammaGammaParams;
  /** Customers the fits used (0 for defaults). */
  customers: number;
  converged: boolean;
}

export interface ModelParamsStore {
  /** The newest set fitted on or before `date`. */
  latestOnOrBefore(date: string): Promise<ModelParameterSet | null>;
  put(params: ModelParameterSet): Promise<void>;
}

/** Run bookkeeping in the operations table: progress for the CLI, summaries for reports. */
export interface RunStore {
  putPrepared(run: { runId: string; date: string; totalSegments: number; estimatedUsers: number; startedAt: string }): Promise<void>;
  putSegmentProgress(runId: string, segment: number, counts: SegmentCounts, done: boolean): Promise<void>;
  putSummary(summary: RunSummary): Promise<void>;
}

/** How a run's execution stands, as the state machine reports it. */
export interface ExecutionStatus {
  status: string;
  startDate: string | null;
  stopDate: string | null;
  error: string | null;
  cause: string | null;
}

/** Starts and describes executions of the nightly machine by name. */
export interface RunLauncher {
  /** 'exists' when an execution of that name exists with another input or has closed. */
  start(name: string, input: string): Promise<'started' | 'exists'>;
  describe(name: string): Promise<ExecutionStatus | null>;
}

/** What the API reads of a run: its preparation, per-segment progress and (once done) summary. */
export interface RunRecord {
  prepared: { date: string; totalSegments: number; estimatedUsers: number; startedAt: string } | null;
  segments: Array<{ segment: number; done: boolean; counts: SegmentCounts }>;
  summary: RunSummary | null;
}

/** Reads runs back for the API. */
export interface RunReader {
  getRun(runId: string): Promise<RunRecord>;
  latestSummary(): Promise<RunSummary | null>;
}
