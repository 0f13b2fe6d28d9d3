import {
  NO_SWEEP_COUNTS,
  addSweepCounts,
  assertNever,
  evaluateDay,
  expiryNoticesDue,
  nextExpiryWatchAt,
  programNamed,
  summarizeCheckinProgram,
  utcMonthOf,
  type CheckinRunInput,
  type CheckinRunSummary,
  type CheckinSweepCounts,
  type DueWakeUp,
  type LoyaltyPorts,
  type ReminderOutcome,
} from '../../domain/loyalty';
import { sendProgramSummary } from './loyalty-messages';
import { releaseQueuedCoupons, type GrantPorts } from './reward-grants';
import { expireDuePoints } from './redeem-points';

/** The ports a sweep needs. */
export type SweepPorts = GrantPorts & Pick<LoyaltyPorts, 'programs' | 'expiryWatch'>;

/** What one invocation over one shard did, and where the next one starts (none: the shard is done). */
export interface ShardSweep {
  readonly counts: CheckinSweepCounts;
  readonly cursor: string | undefined;
}

const PROGRAMS_AT_ONCE = 5;

/**
 * One wake-index shard's due programs at `now`, one page of at most `limit` (from `cursor`).
 * Each program is re-read consistently and the domain decides: remind (once per day, by id), end
 * with a summary when completion became impossible, or just move the wake-up. Each save is
 * conditional on the version, so a check-in racing the sweep wins and the next run looks again.
 *
 * Safe to repeat (a retried task, two overlapping runs): reminders and summaries go out once by
 * id, and a sweep grants nothing (points come from check-ins only).
 */
export async function sweepWakeShard(
  ports: SweepPorts,
  input: { readonly shard: number; readonly now: Date; readonly limit: number; readonly cursor?: string | undefined },
): Promise<ShardSweep> {
  const page = await ports.programs.dueWakeUps(input.shard, input.now, input.limit, input.cursor);
  let counts = NO_SWEEP_COUNTS;
  // Distinct users never contend: a few at a time keeps one invocation's page well inside its timeout.
  for (let start = 0; start < page.wakeUps.length; start += PROGRAMS_AT_ONCE) {
    const woken = await Promise.all(page.wakeUps.slice(start, start + PROGRAMS_AT_ONCE).map((wake) => wakeUp(ports, wake, input.now)));
    counts = woken.reduce(addSweepCounts, counts);
  }
  return { counts, cursor: page.cursor };
}

function wakeUp(ports: SweepPorts, wake: DueWakeUp, now: Date): Promise<CheckinSweepCounts> {
  switch (wake.kind) {
    case 'program':
      return wakeProgram(ports, wake, now);
    case 'points-expiry':
      return wakeExpiryWatch(ports, wake.userId, now);
    default:
      return assertNever(wake);
  }
}

/**
 * The user's points-expiry watch: expires what is due (oldest first), sends one notice per grant
 * whose points expire within the notice period (once each, by id), and moves the watch to the
 * next notice or expiry, or takes it off the index when no points are left. A grant arming the
 * watch meanwhile makes the reschedule a conflict: the watch stays due and the next run looks
 * again. A notice the send path could not send yet leaves the watch due as well.
 */
async function wakeExpiryWatch(ports: SweepPorts, userId: string, now: Date): Promise<CheckinSweepCounts> {
  const counts = { ...NO_SWEEP_COUNTS, due: 1, expiryWatches: 1 };
  const watch = await ports.expiryWatch.load(userId);
  if (!watch) return counts;
  await expireDuePoints(ports, userId);
  const history = await ports.ledger.history(userId);
  let notices = 0;
  for (const notice of expiryNoticesDue(userId, history, now, ports.rules.points)) {
    const sent = await ports.messages.send(
      { kind: 'points-expiring', messageId: notice.messageId, userId, programId: 'points', amount: notice.amount, expiresAt: notice.expiresAt },
      now,
    );
    if (sent.kind === 'sent') notices += 1;
    if (sent.kind === 'failed' && sent.retryable) return { ...counts, expiryNotices: notices, retryLater: 1 };
  }
  const saved = await ports.expiryWatch.reschedule(userId, nextExpiryWatchAt(history, now, ports.rules.points), watch.grants);
  return { ...counts, expiryNotices: notices, ...(saved === 'conflict' ? { conflicts: 1 } : { rescheduled: 1 }) };
}

async function wakeProgram(ports: SweepPorts, wake: Extract<DueWakeUp, { kind: 'program' }>, now: Date): Promise<CheckinSweepCounts> {
  const config = programNamed(ports.rules.programs, wake.programId);
  const counted = (field: keyof CheckinSweepCounts, reminders = 0): CheckinSweepCounts => ({ ...NO_SWEEP_COUNTS, due: 1, reminders, [field]: 1 });
  const stored = await ports.programs.load(wake.userId, wake.programId);
  // A program no longer configured: the save below (through the wake policy) takes it off the index.
  if (!stored || !config) {
    if (stored) await ports.programs.save(stored.state, stored.version);
    return { ...NO_SWEEP_COUNTS, due: 1 };
  }
  const evaluation = evaluateDay(stored.state, now, config);
  let next = stored.state;
  let reminder: ReminderOutcome | undefined;
  switch (evaluation.kind) {
    case 'reminder-due': {
      const progress = summarizeCheckinProgram(stored.state, config);
      reminder = await ports.messages.send(
        {
          kind: 'checkin-reminder',
          messageId: evaluation.reminderId,
          userId: wake.userId,
          programId: wake.programId,
          templateId: config.reminder.templateId,
          day: evaluation.day,
          streak: stored.state.streak,
          daysLeft: Math.max(0, progress.requiredCheckins - progress.checkIns),
        },
        now,
      );
      break;
    }
    case 'ended-impossible':
      next = evaluation.state;
      break;
    case 'nothing-due':
    case 'program-over':
      break;
    default:
      assertNever(evaluation);
  }
  const reminders = reminder?.kind === 'sent' ? 1 : 0;
  // Not saved: the wake-up stays due and the next run sends under the same id.
  if (reminder?.kind === 'failed' && reminder.retryable) return counted('retryLater', reminders);
  const saved = await ports.programs.save(next, stored.version);
  if (saved === 'version-conflict') return counted('conflicts', reminders);
  if (evaluation.kind !== 'ended-impossible') return counted('rescheduled', reminders);
  await sendProgramSummary(ports, evaluation.summary);
  return counted('ended', reminders);
}

/**
 * A run's last step: releases the coupons queued for this month's budget (once each, by id) and
 * adds up what the shards did.
 */
export async function summarizeCheckinRun(ports: GrantPorts, run: CheckinRunInput): Promise<CheckinRunSummary> {
  const now = new Date(run.now);
  return {
    runId: run.runId,
    now: run.now,
    shards: run.shards.length,
    invocations: run.shards.reduce((sum, shard) => sum + shard.invocations, 0),
    totals: run.shards.reduce((sum, shard) => addSweepCounts(sum, shard.counts), NO_SWEEP_COUNTS),
    releasedCoupons: await releaseQueuedCoupons(ports, utcMonthOf(now)),
  };
}

/** What one in-process sweep did. */
export interface SweepReport extends CheckinSweepCounts {
  readonly releasedCoupons: number;
}

/**
 * The whole run in one process, every shard in parallel, each until it has nothing due or
 * `limitPerShard` programs: what the state machine does, for tests and tools that need a run
 * to be over when the call returns. Deployed, the scheduled state machine runs it.
 */
export async function sweepCheckinPrograms(ports: SweepPorts, options: { readonly limitPerShard: number }): Promise<SweepReport> {
  const now = ports.clock.now();
  const shards = await Promise.all(
    Array.from({ length: ports.programs.wakeShards }, async (_, shard) => ({
      shard,
      invocations: 1,
      counts: (await sweepWakeShard(ports, { shard, now, limit: options.limitPerShard })).counts,
    })),
  );
  const summary = await summarizeCheckinRun(ports, { runId: 'in-process', now: now.toISOString(), shards });
  return { ...summary.totals, releasedCoupons: summary.releasedCoupons };
}
