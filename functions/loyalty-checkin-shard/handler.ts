import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { sweepWakeShard } from '../../shared/application/loyalty';
import { composeLoyalty } from '../../shared/composition/loyalty';
import { parseInput } from '../../shared/domain/common';
import { addSweepCounts, CheckinShardTask, type CheckinShardResult } from '../../shared/domain/loyalty';
import { logger } from '../../shared/adapters/observability/logger';
import { countMetric, publishCountedMetrics } from '../../shared/adapters/observability/metrics';
import { transientErrorsAsRetryable } from '../../shared/adapters/transient-errors';

/**
 * SweepShard task of the check-in state machine: one page of one wake-index shard's due programs
 * (at most `maxProgramsPerInvocation`), then the cursor the state machine loops on while the
 * shard has more. A transient failure leaves as TransientDependencyError, which the task retries
 * with jitter; a retried page repeats no reminder or summary (both are sent once by id).
 */
export const handler = middy<unknown, CheckinShardResult>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(publishCountedMetrics())
  .use(transientErrorsAsRetryable())
  .handler(async (event) => {
    const task = parseInput(CheckinShardTask, event, 'check-in shard task');
    const swept = await sweepWakeShard(composeLoyalty(), {
      shard: task.shard,
      now: new Date(task.now),
      limit: task.maxProgramsPerInvocation,
      cursor: task.cursor ?? undefined,
    });
    countMetric('LoyaltyCheckinReminders', swept.counts.reminders);
    return { ...task, cursor: swept.cursor ?? null, invocations: task.invocations + 1, counts: addSweepCounts(task.counts, swept.counts) };
  });
