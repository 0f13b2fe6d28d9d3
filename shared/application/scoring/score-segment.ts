import {
  decideScoreWrite,
  emptyCounts,
  featureOptions,
  featuresOf,
  mergeCounts,
  scoreAgainstReference,
  tally,
  type RunStore,
  type ScannedUserRecord,
  type ScoreSink,
  type ScoringSettings,
  type SegmentTask,
  type SegmentTaskResult,
  type StoredScore,
  type TierChange,
  type TierChangePublisher,
  type UserScanner,
} from '../../domain/scoring-run';

/** What else reads the scanned users: sees each page, then stores its result before the progress is. */
export interface ScanObserver {
  onUsers(users: readonly ScannedUserRecord[]): void;
  finish(segmentDone: boolean): Promise<void>;
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
  deps: {
    scanner: UserScanner;
    sink: ScoreSink;
    events: TierChangePublisher;
    runs: RunStore;
    settings: ScoringSettings;
    outOfTime: () => boolean;
    elapsedMs: () => number;
    memoryMb: number;
    /** Also folds the users into another feature's tally (product health), so the users are read once. */
    observer?: ScanObserver;
  },
): Promise<SegmentTaskResult> {
  const counts = emptyCounts();
  const options = featureOptions(task.date, deps.settings);
  // A page's events and writes overlap the next page's scan; a failure is kept (never left
  // unhandled) and rethrown at the next flush, so the task fails and the state machine retries it.
  const pendingWrites: Promise<void>[] = [];
  let writeFailure: unknown = null;
  const flushWrites = async () => {
    await Promise.all(pendingWrites.splice(0));
    if (writeFailure !== null) throw writeFailure;
  };
  const onUsers = async (users: ScannedUserRecord[]) => {
    deps.observer?.onUsers(users);
    const features = users.map((user) => featuresOf(user, options));
    const scores = scoreAgainstReference(features, task.params, deps.settings.config, task.reference);
    tally(counts, scores);
    const items: StoredScore[] = [];
    const changes: TierChange[] = [];
    scores.forEach((score, i) => {
      const decision = decideScoreWrite(score, users[i]?.previous ?? null, task.date, {
        rewrite: users[i]?.previousStale ?? false,
        reach: users[i]?.reach ?? undefined,
      });
      if (decision.kind === 'unchanged') return;
      items.push(decision.item);
      if (decision.tierChange) changes.push(decision.tierChange);
    });
    counts.tierChanges += changes.length;
    counts.itemsWritten += items.length;
    if (items.length > 0 || changes.length > 0) {
      // The page's events, then its writes, overlap the next page's scan and scoring: waiting on
      // the publish before reading on cost a round trip per PutEvents round of every page.
      pendingWrites.push(
        (async () => {
          if (changes.length > 0) await deps.events.publish(changes);
          if (items.length > 0) {
            const { writeUnits } = await deps.sink.write(items);
            counts.writeUnits += writeUnits;
          }
        })().catch((error: unknown) => void (writeFailure ??= error)),
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
  await deps.observer?.finish(done);
  await deps.runs.putSegmentProgress(task.runId, task.segment, total, done);
  return { ...task, cursor: scan.cursor, counts: total, done, memoryMb: deps.memoryMb };
}
