import type { Clock } from '../../domain/common';
import { assertNever } from '../../domain/common';
import {
  ReconcileSweepIncompleteError,
  reconcileStuckSend,
  redactContactPoints,
  type ContactPolicyConfig,
  type ReconcilePorts,
  type ReconcileReport,
} from '../../domain/messaging';

/**
 * The reconciliation sweep: settles every reservation left in `sending` past the timeout from the
 * provider's evidence, with the same conditional write the send path uses (expecting `sending` and
 * the stuck attempt's id), so an overlapping sweep or a late attempt cannot be overwritten. It
 * never sends: a released key is sent by its caller's next retry, under the same idempotency key.
 *
 * One key that fails (a store error) does not stop the others; the sweep then throws
 * {@link ReconcileSweepIncompleteError} with the report, so the run is reported as failed and the
 * next run tries the key again.
 */
export async function reconcileInDoubtSends(ports: ReconcilePorts, clock: Clock, config: ContactPolicyConfig['reservation']): Promise<ReconcileReport> {
  const now = clock.now();
  const stuck = await ports.stuckSends.listSendingSince(new Date(now.getTime() - config.sendingTimeoutSeconds * 1000));
  const report: ReconcileReport = { examined: stuck.length, markedSent: 0, released: 0, waiting: 0, leftInDoubt: [], conflicts: 0, failed: 0 };
  const failures: Array<{ messageId: string; error: unknown }> = [];
  // One at a time: keys in doubt are rare (a crash inside the provider call), and this keeps the
  // sweep's DynamoDB traffic flat however many there are.
  for (const send of stuck) {
    try {
      const record = await ports.providerRecords.lookup({ userId: send.userId, messageId: send.messageId, channel: send.state.contact?.channel });
      const decision = reconcileStuckSend(send, record, now, config);
      switch (decision.kind) {
        case 'settle': {
          const written = await ports
            .reservationsOf(send.userId)
            .transition(send.idempotencyKey, { status: 'sending', attemptId: send.state.attemptId }, decision.next);
          if (written === 'conflict') {
            report.conflicts += 1;
            break;
          }
          if (decision.next.status === 'sent') {
            report.markedSent += 1;
            if (decision.contact) await ports.contactHistory.append(send.userId, decision.contact);
          } else {
            report.released += 1;
          }
          break;
        }
        case 'wait':
          report.waiting += 1;
          break;
        case 'leave-in-doubt':
          report.leftInDoubt.push(send.messageId);
          break;
        default:
          assertNever(decision);
      }
    } catch (error) {
      report.failed += 1;
      failures.push({ messageId: send.messageId, error });
    }
  }
  if (failures.length > 0) {
    const first = failures[0]!;
    const reason = first.error instanceof Error ? `${first.error.name}: ${first.error.message}` : String(first.error);
    throw new ReconcileSweepIncompleteError(
      report,
      `${failures.length} of ${stuck.length} in-doubt sends could not be reconciled (first, ${first.messageId}: ${redactContactPoints(reason)})`,
      {
        cause: new AggregateError(failures.map((failure) => failure.error)),
      },
    );
  }
  return report;
}
