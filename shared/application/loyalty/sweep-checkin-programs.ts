import { assertNever, evaluateDay, summarizeCheckinProgram, utcMonthOf, type LoyaltyPorts, type ReminderOutcome } from '../../domain/loyalty';
import { sendProgramSummary } from './loyalty-messages';
import { releaseQueuedCoupons, type GrantPorts } from './reward-grants';

/** What one sweep did. */
export interface SweepReport {
  readonly due: number;
  readonly reminders: number;
  readonly ended: number;
  readonly rescheduled: number;
  /** A concurrent check-in moved the state first: the next sweep looks again. */
  readonly conflicts: number;
  /** A reminder the send path could not send yet (throttled, in flight): left due for the next sweep. */
  readonly retryLater: number;
  readonly releasedCoupons: number;
}

/**
 * The check-in program's orchestration: run every 15 minutes by a schedule. Reads the programs
 * whose wake-up is due from the sparse wake index (all shards in parallel), re-reads each state
 * consistently and lets the domain decide: remind (once per day, by id), end with a summary when
 * completion became impossible, or just move the wake-up. Each save is conditional on the
 * version, so a check-in racing the sweep wins and the sweep looks again next time. It also
 * releases coupons queued for this month's budget.
 */
export async function sweepCheckinPrograms(
  ports: GrantPorts & Pick<LoyaltyPorts, 'programs'>,
  options: { readonly limitPerShard: number },
): Promise<SweepReport> {
  const now = ports.clock.now();
  const config = ports.rules.checkin;
  const counts = { due: 0, reminders: 0, ended: 0, rescheduled: 0, conflicts: 0, retryLater: 0 };
  await Promise.all(
    Array.from({ length: ports.programs.wakeShards }, async (_, shard) => {
      for (const wake of await ports.programs.dueWakeUps(shard, now, options.limitPerShard)) {
        counts.due += 1;
        const stored = await ports.programs.load(wake.userId, wake.programId);
        if (!stored || stored.state.programId !== config.programId) continue;
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
                day: evaluation.day,
                streak: stored.state.streak,
                daysLeft: Math.max(0, progress.requiredCheckins - progress.checkIns),
              },
              now,
            );
            if (reminder.kind === 'sent') counts.reminders += 1;
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
        if (reminder?.kind === 'failed' && reminder.retryable) {
          // Not saved: the wake-up stays due and the next sweep sends under the same id.
          counts.retryLater += 1;
          continue;
        }
        const saved = await ports.programs.save(next, stored.version);
        if (saved === 'version-conflict') {
          counts.conflicts += 1;
          continue;
        }
        if (evaluation.kind === 'ended-impossible') {
          counts.ended += 1;
          await sendProgramSummary(ports, evaluation.summary);
        } else counts.rescheduled += 1;
      }
    }),
  );
  return { ...counts, releasedCoupons: await releaseQueuedCoupons(ports, utcMonthOf(now)) };
}
