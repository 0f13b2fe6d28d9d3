import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logger } from '../../shared/adapters/observability/logger';
import { reconcileInDoubtSends } from '../../shared/application/messaging/reconcile-in-doubt-sends';
import { composeMessaging } from '../../shared/composition/messaging';
import { ReconcileSweepIncompleteError, type ReconcileReport } from '../../shared/domain/messaging';

/**
 * Invoked every 15 minutes by EventBridge Scheduler (the input is ignored: "now" is the clock).
 * Settles messages left in doubt by a crash inside the provider call: `sent` when the provider has
 * a record of them, `released` (so the caller's next retry sends) when it has none after the
 * evidence horizon. Logs counts and message ids only: never an address or a number.
 */
export const handler = middy(async (): Promise<ReconcileReport> => {
  const messaging = composeMessaging();
  const { ports, reservation } = messaging.reconciliation();
  try {
    const report = await reconcileInDoubtSends(ports, messaging.clock, reservation);
    if (report.leftInDoubt.length > 0) {
      // SMS and push in AWS: SNS keeps no record readable by our id. Needs a person to decide.
      logger.warn('messages left in doubt: no provider evidence for their channel', {
        messageIds: report.leftInDoubt.slice(0, 50),
        count: report.leftInDoubt.length,
      });
    }
    logger.info('in-doubt reconciliation', { ...report, leftInDoubt: report.leftInDoubt.length });
    return report;
  } catch (error) {
    if (error instanceof ReconcileSweepIncompleteError) {
      // The message is already redacted; the cause (raw store errors) is not logged.
      logger.error('in-doubt reconciliation incomplete', { ...error.report, leftInDoubt: error.report.leftInDoubt.length, reason: error.message });
    }
    throw error;
  }
}).use(injectLambdaContext(logger, { resetKeys: true }));
