import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { sweepCheckinPrograms, type SweepReport } from '../../shared/application/loyalty';
import { composeLoyalty } from '../../shared/composition/loyalty';
import { logger } from '../../shared/adapters/observability/logger';
import { countMetric, publishCountedMetrics } from '../../shared/adapters/observability/metrics';

/**
 * How many due programs one shard handles per run. 16 shards × 2,000 fits the 5-minute timeout
 * with room; what is left is still due and is picked up 15 minutes later.
 */
const LIMIT_PER_SHARD = 2000;

/** Invoked every 15 minutes by EventBridge Scheduler (the input is ignored: "now" is the clock). */
export const handler = middy<unknown, SweepReport>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(publishCountedMetrics())
  .handler(async () => {
    const report = await sweepCheckinPrograms(composeLoyalty(), { limitPerShard: LIMIT_PER_SHARD });
    countMetric('LoyaltyCheckinReminders', report.reminders);
    countMetric('LoyaltyCouponsIssued', report.releasedCoupons);
    logger.info('check-in sweep', { ...report });
    return report;
  });
