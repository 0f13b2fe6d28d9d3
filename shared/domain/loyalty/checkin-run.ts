import { z } from 'zod';

/**
 * The messages of the check-in orchestration (workflows/checkin-programs.ts): one run of the
 * scheduled state machine maps over the wake-index shards, one task per shard, each looping on a
 * cursor until its shard has nothing due, then one task adds the shards up. These are the task
 * inputs and outputs, validated at both ends.
 */

/** What one shard sweep did; added up over invocations and shards. */
export const CheckinSweepCounts = z.object({
  due: z.number().int().nonnegative(),
  reminders: z.number().int().nonnegative(),
  ended: z.number().int().nonnegative(),
  rescheduled: z.number().int().nonnegative(),
  /** A concurrent check-in moved the state first: the next run looks again. */
  conflicts: z.number().int().nonnegative(),
  /** A reminder the send path could not send yet (throttled, in flight): left due for the next run. */
  retryLater: z.number().int().nonnegative(),
  /** Points-expiry watches woken, and the notices they sent (one per expiring grant). */
  expiryWatches: z.number().int().nonnegative().default(0),
  expiryNotices: z.number().int().nonnegative().default(0),
});
export type CheckinSweepCounts = z.infer<typeof CheckinSweepCounts>;

/** Nothing swept yet. */
export const NO_SWEEP_COUNTS: CheckinSweepCounts = {
  due: 0,
  reminders: 0,
  ended: 0,
  rescheduled: 0,
  conflicts: 0,
  retryLater: 0,
  expiryWatches: 0,
  expiryNotices: 0,
};

/** The sum of two sweeps' counts. */
export function addSweepCounts(left: CheckinSweepCounts, right: CheckinSweepCounts): CheckinSweepCounts {
  return {
    due: left.due + right.due,
    reminders: left.reminders + right.reminders,
    ended: left.ended + right.ended,
    rescheduled: left.rescheduled + right.rescheduled,
    conflicts: left.conflicts + right.conflicts,
    retryLater: left.retryLater + right.retryLater,
    expiryWatches: left.expiryWatches + right.expiryWatches,
    expiryNotices: left.expiryNotices + right.expiryNotices,
  };
}

/**
 * The SweepShard task's input: which shard, the run's instant (every shard of a run reads the
 * index up to the same `now`), where the previous invocation stopped, and how many programs one
 * invocation may take. `counts` carries what earlier invocations of this shard did.
 */
export const CheckinShardTask = z.object({
  runId: z.string().min(1),
  now: z.iso.datetime(),
  shard: z.number().int().nonnegative(),
  /** Where the previous invocation stopped; none (null or absent) on a shard's first. */
  cursor: z.string().min(1).nullable().default(null),
  maxProgramsPerInvocation: z.number().int().positive(),
  invocations: z.number().int().nonnegative().default(0),
  counts: CheckinSweepCounts.default(NO_SWEEP_COUNTS),
});
export type CheckinShardTask = z.infer<typeof CheckinShardTask>;

/** The SweepShard task's output: its input moved on; `cursor` null once the shard is done. */
export const CheckinShardResult = CheckinShardTask.required();
export type CheckinShardResult = z.infer<typeof CheckinShardResult>;

/** The Summarize task's input: the run and every shard's final result. */
export const CheckinRunInput = z.object({
  runId: z.string().min(1),
  now: z.iso.datetime(),
  shards: z.array(CheckinShardResult.pick({ shard: true, invocations: true, counts: true })),
});
export type CheckinRunInput = z.infer<typeof CheckinRunInput>;

/** A run's summary: the state machine execution's output. */
export const CheckinRunSummary = z.object({
  runId: z.string().min(1),
  now: z.iso.datetime(),
  shards: z.number().int().nonnegative(),
  /** Shard task invocations: more than `shards` when a shard needed its cursor. */
  invocations: z.number().int().nonnegative(),
  totals: CheckinSweepCounts,
  releasedCoupons: z.number().int().nonnegative(),
});
export type CheckinRunSummary = z.infer<typeof CheckinRunSummary>;
