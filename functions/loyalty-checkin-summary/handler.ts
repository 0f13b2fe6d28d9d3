import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { summarizeCheckinRun } from '../../shared/application/loyalty';
import { composeLoyalty } from '../../shared/composition/loyalty';
import { parseInput } from '../../shared/domain/common';
import { CheckinRunInput, type CheckinRunSummary } from '../../shared/domain/loyalty';
import { logger } from '../../shared/adapters/observability/logger';
import { countMetric, publishCountedMetrics } from '../../shared/adapters/observability/metrics';
import { transientErrorsAsRetryable } from '../../shared/adapters/transient-errors';

/**
 * Summarize task of the check-in state machine: releases the coupons queued for this month's
 * budget and adds the shards up into the run summary (the execution's output).
 */
export const handler = middy<unknown, CheckinRunSummary>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(publishCountedMetrics())
  .use(transientErrorsAsRetryable())
  .handler(async (event) => {
    const summary = await summarizeCheckinRun(composeLoyalty(), parseInput(CheckinRunInput, event, 'check-in run'));
    countMetric('LoyaltyCouponsIssued', summary.releasedCoupons);
    logger.info('check-in run', { ...summary });
    return summary;
  });
