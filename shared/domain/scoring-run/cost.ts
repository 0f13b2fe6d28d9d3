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
 * Scales a measured run to `users`: units, Lambda time and requests grow with the users scored;
 * transitions grow with the invocations, which the segment time budget keeps proportional to the
 * population past one invocation per segment.
 */
export function nightlyRunCost(summary: RunSummary, users: number): RunCost {
  const measured = Math.max(1, summary.totals.usersScored);
  const scale = users / measured;
  // The model-fitting sample is a fixed number of users (capped by the population), so its reads
  // do not grow with the population; the segment scans do.
  const sampleReads = summary.sampleReadUnits * Math.min(1, scale);
  const readUnits = (summary.totals.readUnits - summary.sampleReadUnits) * scale + sampleReads;
  const writeUnits = summary.totals.writeUnits * scale;
  const segmentInvocations = Math.max(summary.totalSegments, summary.totals.invocations * scale);
  const lambdaRequests = segmentInvocations + 2;
  const lambdaGbSeconds = (summary.totals.lambdaMs / 1000) * (summary.lambdaMemoryMb / 1024) * scale;
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
