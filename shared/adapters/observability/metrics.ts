import type { MiddlewareObj } from '@middy/core';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

/**
 * The process's business metrics, published as CloudWatch embedded metric format (EMF) at the end
 * of each invocation of a handler that counts something (`publishCountedMetrics`). The local
 * runtime sets `POWERTOOLS_DEV`, which turns publishing off there.
 */
export const metrics = new Metrics({ namespace: 'Rekindle', serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'rekindle' });

/** Adds `count` to a business counter (events accepted, sends by outcome, grants, enrollments). */
export function countMetric(name: string, count = 1): void {
  if (count > 0 && publishing()) metrics.addMetric(name, MetricUnit.Count, count);
}

// Read at each use, not when this module is first imported: a test or the local runtime may set
// POWERTOOLS_DEV after a handler module was loaded.
const publishing = () => process.env.POWERTOOLS_DEV !== 'true' && process.env.POWERTOOLS_METRICS_DISABLED !== 'true';

/**
 * Publishes what the invocation counted, after it and after a failure. Unlike Powertools'
 * `logMetrics`, an invocation that counted nothing (a GET, a relaunch) publishes nothing and logs
 * no "no application metrics" warning.
 */
export function publishCountedMetrics(): MiddlewareObj {
  const publish = async () => {
    if (publishing() && metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  };
  return { after: publish, onError: publish };
}
