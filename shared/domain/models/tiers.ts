/**
 * Recall tiers: which win-back journey, if any, a user belongs in.
 *
 * - R5: silent for `silentDays.r5` days or more (default 90), R4 from `r4` (30), R3 from `r3`
 *   (14), R2 from `r2` (7);
 * - R1 "cooling": active within the R2 threshold, but the daily session rate of the last 7 days
 *   fell to `cooling.sharpDropRatio` (default 1/2) or less of the 28 days before, or the churn
 *   risk reached `cooling.riskThreshold` (0.6);
 * - otherwise active (no tier).
 * High-value users are tiered earlier: every silence threshold is multiplied by
 * `highValue.thresholdFactor` (default 0.5) and the cooling risk threshold replaced by
 * `highValue.riskThreshold` (0.45).
 */
import { z } from 'zod';

export const RECALL_TIERS = ['R1', 'R2', 'R3', 'R4', 'R5'] as const;
/** A recall tier, or 'active' for a user who needs none. */
export type RecallTier = (typeof RECALL_TIERS)[number] | 'active';

/** Tier thresholds; every number is configuration. */
export const TierConfig = z.object({
  silentDays: z
    .object({
      r2: z.number().positive().default(7),
      r3: z.number().positive().default(14),
      r4: z.number().positive().default(30),
      r5: z.number().positive().default(90),
    })
    .prefault({})
    .refine((days) => days.r2 < days.r3 && days.r3 < days.r4 && days.r4 < days.r5, {
      message: 'silence thresholds must increase: r2 < r3 < r4 < r5',
    }),
  cooling: z
    .object({
      sharpDropRatio: z.number().min(0).max(1).default(0.5),
      riskThreshold: z.number().min(0).max(1).default(0.6),
    })
    .prefault({}),
  highValue: z
    .object({
      thresholdFactor: z.number().positive().max(1).default(0.5),
      riskThreshold: z.number().min(0).max(1).default(0.45),
    })
    .prefault({}),
});
export type TierConfig = z.infer<typeof TierConfig>;

/** The activity tiering needs of a user. */
export interface TierActivity {
  daysSinceLastActivity: number;
  sessionsLast7Days: number;
  sessionsPrior28Days: number;
}

/** The recall tier of one user (see the module comment for the rules). */
export function assignRecallTier(input: TierActivity, churnRisk: number, highValue: boolean, config: TierConfig): RecallTier {
  const factor = highValue ? config.highValue.thresholdFactor : 1;
  const { silentDays } = config;
  const days = input.daysSinceLastActivity;
  if (days >= silentDays.r5 * factor) return 'R5';
  if (days >= silentDays.r4 * factor) return 'R4';
  if (days >= silentDays.r3 * factor) return 'R3';
  if (days >= silentDays.r2 * factor) return 'R2';
  const recentRate = input.sessionsLast7Days / 7;
  const priorRate = input.sessionsPrior28Days / 28;
  const droppedSharply = priorRate > 0 && recentRate <= config.cooling.sharpDropRatio * priorRate;
  const riskThreshold = highValue ? config.highValue.riskThreshold : config.cooling.riskThreshold;
  if (droppedSharply || churnRisk >= riskThreshold) return 'R1';
  return 'active';
}
