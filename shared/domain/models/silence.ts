/**
 * The silence score: a churn risk in [0, 1] from seven behavioural signals. Each signal becomes a
 * risk in [0, 1]; the score is their weighted mean. A signal that is unknown for a user (never
 * purchased, no message received, no P(alive)) is left out and the other weights renormalised, so
 * a missing signal neither accuses nor excuses anyone.
 *
 * Signal risks (all monotone, all shapes configurable):
 * 1. days since last activity d: d / (d + h), h = `activityHalfRiskDays` (risk 1/2 at h days);
 * 2. days since last purchase d: d / (d + h), h = `purchaseHalfRiskDays`;
 * 3. activity trend, daily session rate over the last 7 days (s7/7) against the 28 before
 *    (s28/28): (1 - (s7/7 - s28/28) / (s7/7 + s28/28)) / 2, i.e. 0 when all activity is recent,
 *    1 when it stopped, 1/2 when flat or when both are 0;
 * 4. core-feature usage rate u = core uses / sessions (last 28 days): h / (h + u),
 *    h = `coreUsageHalfRiskRate`; 1 when there were no core uses;
 * 5. session depth trend, feature uses per session recently against before: same form as 3;
 * 6. message engagement in 30 days: 1 - min(1, (opens + clickWeight · clicks) / received);
 * 7. P(alive): 1 - P(alive).
 */
import { z } from 'zod';

/** Weights of the seven signals (renormalised to sum 1 over the signals known for a user). */
export const SilenceWeights = z.object({
  daysSinceLastActivity: z.number().min(0).default(0.25),
  daysSinceLastPurchase: z.number().min(0).default(0.1),
  activityTrend: z.number().min(0).default(0.15),
  coreFeatureUsage: z.number().min(0).default(0.1),
  sessionDepthTrend: z.number().min(0).default(0.1),
  messageEngagement: z.number().min(0).default(0.05),
  probabilityAlive: z.number().min(0).default(0.25),
});
export type SilenceWeights = z.infer<typeof SilenceWeights>;

/** Silence score configuration: weights and the shapes of the signal risks. */
export const SilenceConfig = z.object({
  weights: SilenceWeights.prefault({}),
  activityHalfRiskDays: z.number().positive().default(14),
  purchaseHalfRiskDays: z.number().positive().default(60),
  coreUsageHalfRiskRate: z.number().positive().default(0.5),
  clickWeight: z.number().min(0).default(2),
});
export type SilenceConfig = z.infer<typeof SilenceConfig>;

/** The behavioural signals for one user (P(alive) is passed separately). */
export interface SilenceSignals {
  daysSinceLastActivity: number;
  /** null: never purchased. */
  daysSinceLastPurchase: number | null;
  sessionsLast7Days: number;
  sessionsPrior28Days: number;
  coreFeatureUsesLast28Days: number;
  sessionsLast28Days: number;
  featureUsesPerSessionRecent: number;
  featureUsesPerSessionBefore: number;
  messagesReceived30Days: number;
  messageOpens30Days: number;
  messageClicks30Days: number;
}

function saturating(value: number, halfRisk: number): number {
  const clamped = Math.max(0, value);
  return clamped / (clamped + halfRisk);
}

/** 0 when all of the activity is recent, 1 when it all came before, 1/2 when flat or none. */
function declineRisk(recent: number, before: number): number {
  const total = recent + before;
  if (!(total > 0)) return 0.5;
  return 0.5 * (1 - (recent - before) / total);
}

/**
 * The churn risk in [0, 1]; see the module comment for each signal's contribution.
 * `probabilityAlive` is null when no purchase model applies (never purchased).
 */
export function churnRisk(signals: SilenceSignals, probabilityAlive: number | null, config: SilenceConfig): number {
  const { weights } = config;
  // Written out rather than through a helper closure: this runs once per user per night.
  let weighted = weights.daysSinceLastActivity * saturating(signals.daysSinceLastActivity, config.activityHalfRiskDays);
  let weightSum = weights.daysSinceLastActivity;
  if (signals.daysSinceLastPurchase !== null) {
    weighted += weights.daysSinceLastPurchase * saturating(signals.daysSinceLastPurchase, config.purchaseHalfRiskDays);
    weightSum += weights.daysSinceLastPurchase;
  }
  weighted += weights.activityTrend * declineRisk(signals.sessionsLast7Days / 7, signals.sessionsPrior28Days / 28);
  weightSum += weights.activityTrend;
  const coreUsageRate = signals.sessionsLast28Days > 0 ? Math.max(0, signals.coreFeatureUsesLast28Days) / signals.sessionsLast28Days : 0;
  weighted += (weights.coreFeatureUsage * config.coreUsageHalfRiskRate) / (config.coreUsageHalfRiskRate + coreUsageRate);
  weightSum += weights.coreFeatureUsage;
  weighted += weights.sessionDepthTrend * declineRisk(signals.featureUsesPerSessionRecent, signals.featureUsesPerSessionBefore);
  weightSum += weights.sessionDepthTrend;
  if (signals.messagesReceived30Days > 0) {
    const engagement =
      (Math.max(0, signals.messageOpens30Days) + config.clickWeight * Math.max(0, signals.messageClicks30Days)) / signals.messagesReceived30Days;
    weighted += weights.messageEngagement * (1 - Math.min(1, engagement));
    weightSum += weights.messageEngagement;
  }
  if (probabilityAlive !== null) {
    weighted += weights.probabilityAlive * (1 - Math.min(1, Math.max(0, probabilityAlive)));
    weightSum += weights.probabilityAlive;
  }
  return weightSum > 0 ? weighted / weightSum : 0;
}
