import type { Clock } from '../../domain/common';
import { addDays } from '../../domain/common';
import {
  addUserToHealthTally,
  emptyHealthTally,
  type HealthDayOptions,
  type HealthSettings,
  type HealthTallyStore,
  type HealthUser,
} from '../../domain/health';

/** Where a scoring segment invocation is: the scan it belongs to and the cursor it started from. */
export interface HealthScanScope {
  runId: string;
  /** The run date: the reporting day the night's scan closes (the scan runs after its midnight). */
  day: string;
  segment: number;
  totalSegments: number;
  startCursor: unknown;
}

/** The fold options of a reporting day: Trace compares with the day before the STOP window. */
export function healthDayOptions(day: string, settings: HealthSettings): HealthDayOptions {
  return {
    day,
    timeZone: settings.timeZone,
    coreFeatures: settings.coreFeatures,
    cohortWeeks: settings.cohortWeeks,
    traceBaseDay: addDays(day, -settings.thresholds.stop.days),
  };
}

/**
 * Health's share of the nightly scan: the scoring segment hands each page of users to `onUsers`
 * (no read of its own), and `finish` stores what this invocation folded as one chunk. The scan is
 * read once for scoring and health together.
 */
export function healthSegmentFolder(scope: HealthScanScope, ports: { tallies: HealthTallyStore; settings: HealthSettings; clock: Clock }) {
  const tally = emptyHealthTally();
  const options = healthDayOptions(scope.day, ports.settings);
  return {
    onUsers(users: readonly HealthUser[]): void {
      for (const user of users) addUserToHealthTally(tally, user, options);
    },
    async finish(segmentDone: boolean): Promise<void> {
      await ports.tallies.putChunk({
        day: scope.day,
        runId: scope.runId,
        segment: scope.segment,
        totalSegments: scope.totalSegments,
        chunk: scope.startCursor === null || scope.startCursor === undefined ? 'start' : JSON.stringify(scope.startCursor),
        segmentDone,
        writtenAt: ports.clock.now().toISOString(),
        tally,
      });
    },
  };
}
