/**
 * The AWS bill of one nightly run at on-demand prices (us-east-1, arm64), from what the run
 * measured: read and write units, state transitions, Lambda requests and GB-seconds.
 */
import { nightlyTransitions, type RunSummary } from './run-summary';

export const ON_DEMAND_PRICES = {
  readUnitPerMillion: 0.125,
  writeUnitPerMillion: 0.625,
  transitionPerThousand: 0.025,
  lambdaGbSecondArm: 0.0000133334,
  lambdaRequestPerMillion: 0.2,
} as const;

export interface RunCost {
  users: number;
  readUnits: number;
  writeUnits: number;
  stateTransitions: number;
  lambdaRequests: number;
  lambdaGbSeconds: number;
  usd: { reads: number; writes: number; transitions: number; lambda: number; total: number };
  usdPerMillionUsers: number;
}

/**
 * What a run's segment invocations would bill in AWS, when their local wall time says little about
 * it (DynamoDB Local sharing two cores with the handlers is far slower than DynamoDB): the CPU time
 * the handlers measurably spent, plus every DynamoDB round trip at an assumed AWS latency, summed
 * as if none overlapped (the handler overlaps writes with the next page's scan, so this is high).
 */
export const ASSUMED_AWS_LATENCY_MS = {
  /** One Scan page of up to 1 MB (128 read units, eventually consistent). */
  scanPage: 100,
  /** One BatchWriteItem of up to 25 items. */
  batchWrite: 30,
} as const;

export function estimatedAwsLambdaMs(summary: RunSummary, cpuMs: number): number {
  const scanReadUnits = summary.totals.readUnits - summary.sampleReadUnits;
  // Full 1 MB pages, plus the short last page of each invocation.
  const scanPages = Math.ceil(scanReadUnits / 128) + summary.totals.invocations;
  const writeBatches = Math.ceil(summary.totals.itemsWritten / 25);
  return cpuMs + scanPages * ASSUMED_AWS_LATENCY_MS.scanPage + writeBatches * ASSUMED_AWS_LATENCY_MS.batchWrite;
}

/**
 * Scales a measured run to `users`: units, Lambda time and requests grow with the users scored;
 * transitions grow with the invocations, which the segment time budget keeps proportional to the
 * population past one invocation per segment. `lambdaMs` replaces the summed invocation time the
 * run measured (for an estimate of what AWS would bill, see `estimatedAwsLambdaMs`).
 */
export function nightlyRunCost(summary: RunSummary, users: number, options: { lambdaMs?: number } = {}): RunCost {
  const measured = Math.max(1, summary.totals.usersScored);
  const scale = users / measured;
  // The model-fitting sample is a fixed number of users (capped by the population), so its reads
  // do not grow with the population; the segment scans do.
  const sampleReads = summary.sampleReadUnits * Math.min(1, scale);
  const readUnits = (summary.totals.readUnits - summary.sampleReadUnits) * scale + sampleReads;
  const writeUnits = summary.totals.writeUnits * scale;
  const segmentInvocations = Math.max(summary.totalSegments, summary.totals.invocations * scale);
  const lambdaRequests = segmentInvocations + 2;
  const lambdaMs = options.lambdaMs ?? summary.totals.lambdaMs;
  const lambdaGbSeconds = (lambdaMs / 1000) * (summary.lambdaMemoryMb / 1024) * scale;
  const stateTransitions = nightlyTransitions(summary.totalSegments, segmentInvocations);
  const prices = ON_DEMAND_PRICES;
  const reads = (readUnits / 1e6) * prices.readUnitPerMillion;
  const writes = (writeUnits / 1e6) * prices.writeUnitPerMillion;
  const transitions = (stateTransitions / 1000) * prices.transitionPerThousand;
  const lambda = lambdaGbSeconds * prices.lambdaGbSecondArm + (lambdaRequests / 1e6) * prices.lambdaRequestPerMillion;
  const total = reads + writes + transitions + lambda;
  return {
    users,
    readUnits,
    writeUnits,
    stateTransitions,
    lambdaRequests,
    lambdaGbSeconds,
    usd: { reads, writes, transitions, lambda, total },
    usdPerMillionUsers: users > 0 ? (total / users) * 1e6 : 0,
  };
}
