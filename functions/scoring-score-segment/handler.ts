import { performance } from 'node:perf_hooks';
import middy from '@middy/core';
import { logger } from '../../shared/adapters/observability/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { transientErrorsAsRetryable } from '../../shared/adapters/transient-errors';
import type { Context } from 'aws-lambda';
import { SegmentTask, type SegmentTaskResult } from '../../shared/domain/scoring-run';
import { scoreSegment } from '../../shared/application/scoring/score-segment';
import { composeScoring } from '../../shared/composition/scoring';
import { composeHealth } from '../../shared/composition/health';

// Read at cold start: a missing variable fails the first invocation, naming it.
const ports = composeScoring().tasks();

/** Stops a segment with a quarter of the invocation's time (at most a minute) left for the tail. */
const MAX_MARGIN_MS = 60_000;

/**
 * ScoreSegment task: scores one parallel-scan segment, pausing before the function's timeout and
 * returning a cursor the state machine loops on, so no segment is ever too big for one Lambda.
 */
export const handler = middy<unknown, SegmentTaskResult>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(transientErrorsAsRetryable())
  .handler(async (event, context: Context) => {
    const started = performance.now();
    const margin = Math.min(MAX_MARGIN_MS, context.getRemainingTimeInMillis() / 4);
    const task = SegmentTask.parse(event);
    // Product health folds the same pages (the nightly scan is read once for both).
    const health = composeHealth().segmentFolder({
      runId: task.runId,
      day: task.date,
      segment: task.segment,
      totalSegments: task.totalSegments,
      startCursor: task.cursor,
    });
    return scoreSegment(task, {
      scanner: ports.scanner,
      sink: ports.sink,
      events: ports.events,
      runs: ports.runs,
      settings: ports.settings,
      outOfTime: () => context.getRemainingTimeInMillis() < margin,
      elapsedMs: () => performance.now() - started,
      memoryMb: Number(context.memoryLimitInMB) || 1024,
      observer: {
        onUsers: (users) => health.onUsers(users.map((user) => ({ userId: user.userId, days: user.days, segment: user.previous?.segment ?? null }))),
        finish: health.finish,
      },
    });
  });
