import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { z } from 'zod';
import { transientErrorsAsRetryable } from '../../shared/adapters/transient-errors';
import { logger } from '../../shared/adapters/observability/logger';
import { countMetric, publishCountedMetrics } from '../../shared/adapters/observability/metrics';
import { computeDailyHealth } from '../../shared/application/health/compute-daily-health';
import { composeHealth } from '../../shared/composition/health';
import { parseInput } from '../../shared/domain/common';
import { reportingDayBefore } from '../../shared/domain/health';

/** The task input: a day to (re)compute, or the schedule's time (the day before it, in the reporting zone). */
export const ComputeDayRequest = z.strictObject({ day: z.iso.date().nullish(), scheduledTime: z.iso.datetime({ offset: true }).nullish() });
export type ComputeDayRequest = z.infer<typeof ComputeDayRequest>;

// Read at cold start: a missing variable fails the first invocation, naming it.
const health = composeHealth();
const ports = health.daily();

/**
 * ComputeDay task: the day's metrics from the nightly scan's tallies, stored in the series, the
 * alerts raised (once) and STOP run. Emits the headline figures as metrics for the dashboard.
 */
export const handler = middy<unknown, { day: string; dau: number; raised: number; incidentId: string | null }>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(transientErrorsAsRetryable())
  .use(publishCountedMetrics())
  .handler(async (event) => {
    const request = parseInput(ComputeDayRequest, event ?? {}, 'the daily health request');
    const day = request.day ?? reportingDayBefore(request.scheduledTime ? new Date(request.scheduledTime) : health.clock.now(), ports.settings.timeZone);
    const result = await computeDailyHealth({ day }, ports);
    countMetric('HealthDau', result.day.dau);
    countMetric('HealthAlertsRaised', result.raised.length);
    countMetric('HealthStopIncidents', result.incident ? 1 : 0);
    logger.info('daily health computed', {
      day,
      dau: result.day.dau,
      raised: result.raised.map((alert) => alert.alertId),
      incident: result.incident?.incidentId ?? null,
    });
    return { day, dau: result.day.dau, raised: result.raised.length, incidentId: result.incident?.incidentId ?? null };
  });
