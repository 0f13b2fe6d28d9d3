import type { HealthThresholds } from './alerts';

/** How health is computed and judged; read once from configuration. */
export interface HealthSettings {
  timeZone: string;
  coreFeatures: string[];
  /** Penetration benchmark of each core feature (a share of active users). */
  benchmarks: Record<string, number>;
  cohortWeeks: number;
  thresholds: HealthThresholds;
}
