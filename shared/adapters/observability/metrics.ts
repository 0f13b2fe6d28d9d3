import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

/**
 * The process's business metrics, published as CloudWatch embedded metric format (EMF) by the
 * `logMetrics` middleware at the end of each invocation of a handler that counts something. The
 * local runtime sets `POWERTOOLS_DEV`, which turns publishing off there.
 */
export const metrics = new Metrics({ namespace: 'Rekindle', serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'rekindle' });

/** Adds `count` to a business counter (events accepted, sends by outcome, grants, enrollments). */
export function countMetric(name: string, count = 1): void {
  if (count > 0) metrics.addMetric(name, MetricUnit.Count, count);
}
