import { z } from 'zod';
import type { HealthDay } from './metrics';

/**
 * Alerts raised from the daily health series. Each alert has a deterministic id (day, kind, level
 * or subject), so recomputing a day raises nothing new: an alert is raised once per level and day.
 */

export const ALERT_LEVELS = ['yellow', 'orange', 'red'] as const;
export type AlertLevel = (typeof ALERT_LEVELS)[number];

export const HealthThresholds = z.strictObject({
  /** DAU day-over-day drop (a share, 0.05 = 5%) from which each level starts. */
  dauDrop: z.strictObject({ yellow: z.number().min(0).max(1), orange: z.number().min(0).max(1), red: z.number().min(0).max(1) }),
  /** A core feature alerts when its penetration is below benchmark × (1 − this). */
  featureBelowBenchmark: z.number().min(0).max(1),
  complaintRate: z.number().min(0).max(1),
  bounceRate: z.number().min(0).max(1),
  /** STOP: DAU down more than `drop` day over day on `days` consecutive days. */
  stop: z.strictObject({ drop: z.number().min(0).max(1), days: z.number().int().min(1).max(30) }),
  playbooks: z.strictObject({
    yellow: z.string().min(1),
    orange: z.string().min(1),
    red: z.string().min(1),
    feature: z.string().min(1),
    complaints: z.string().min(1),
    bounces: z.string().min(1),
  }),
});
export type HealthThresholds = z.infer<typeof HealthThresholds>;

/** The product brief's thresholds and responses; each is configurable. */
export const DEFAULT_HEALTH_THRESHOLDS: HealthThresholds = {
  dauDrop: { yellow: 0.05, orange: 0.1, red: 0.2 },
  featureBelowBenchmark: 0.2,
  complaintRate: 0.001,
  bounceRate: 0.05,
  stop: { drop: 0.15, days: 3 },
  playbooks: {
    yellow: 'Start user research and feature fixes (启动用户调研+功能优化).',
    orange: 'Set up a dedicated task force with executives involved (成立专项攻坚组+高管介入).',
    red: 'Start the circuit breaker, run by the CEO directly (启动熔断机制+CEO直管).',
    feature: 'Start the feature experience plan: find where users drop off in the feature and fix it.',
    complaints: 'Complaint rate above its limit: pause the campaigns sending most, review content and audiences.',
    bounces: 'Bounce rate above its limit: clean the lists, check the sending domain and the address sources.',
  },
};

export type AlertSubject =
  | { kind: 'dau-drop'; level: AlertLevel; drop: number; dau: number; previousDau: number }
  | { kind: 'feature-below-benchmark'; feature: string; rate: number; benchmark: number }
  | { kind: 'complaint-rate'; rate: number; limit: number }
  | { kind: 'bounce-rate'; rate: number; limit: number }
  | { kind: 'stop'; incidentId: string }
  /** A staged rollout halted by its guardrails (raised by the experiments feature, once per halt). */
  | { kind: 'rollout-halted'; journeyId: string; stage: number; breaches: Array<{ guardrail: string; observed: number; limit: number }> };

export interface HealthAlert {
  alertId: string;
  day: string;
  raisedAt: string;
  /** Severity shown to people: DAU alerts carry their level, the others are orange, STOP red. */
  level: AlertLevel;
  subject: AlertSubject;
  playbook: string;
  summary: string;
}

/** DAU change from the day before, as a drop share (positive when DAU fell); null without a previous day with users. */
export function dauDrop(today: Pick<HealthDay, 'dau'>, previous: Pick<HealthDay, 'dau'> | null): number | null {
  if (previous === null || previous.dau === 0) return null;
  return Math.round(((previous.dau - today.dau) / previous.dau) * 1e6) / 1e6;
}

/** The level of a DAU drop: yellow from 5%, orange from 10%, red above 20% (defaults). */
export function dauDropLevel(drop: number | null, thresholds: HealthThresholds['dauDrop']): AlertLevel | null {
  if (drop === null) return null;
  if (drop > thresholds.red) return 'red';
  if (drop >= thresholds.orange) return 'orange';
  if (drop >= thresholds.yellow) return 'yellow';
  return null;
}

const percent = (share: number) => `${(share * 100).toFixed(1)}%`;

/** The alerts a day's health raises (before STOP, which {@link decideStop} adds). */
export function alertsOfDay(today: HealthDay, previous: HealthDay | null, thresholds: HealthThresholds, raisedAt: string): HealthAlert[] {
  const alerts: HealthAlert[] = [];
  const raise = (id: string, level: AlertLevel, subject: AlertSubject, playbook: string, summary: string) =>
    alerts.push({ alertId: `${today.day}#${id}`, day: today.day, raisedAt, level, subject, playbook, summary });
  const drop = dauDrop(today, previous);
  const level = dauDropLevel(drop, thresholds.dauDrop);
  if (level !== null && drop !== null && previous !== null) {
    raise(
      `dau-drop#${level}`,
      level,
      { kind: 'dau-drop', level, drop, dau: today.dau, previousDau: previous.dau },
      thresholds.playbooks[level],
      `DAU ${previous.dau} → ${today.dau} (−${percent(drop)})`,
    );
  }
  for (const feature of today.features) {
    if (feature.benchmark > 0 && feature.rate < feature.benchmark * (1 - thresholds.featureBelowBenchmark)) {
      raise(
        `feature#${feature.feature}`,
        'orange',
        { kind: 'feature-below-benchmark', feature: feature.feature, rate: feature.rate, benchmark: feature.benchmark },
        thresholds.playbooks.feature,
        `${feature.feature} penetration ${percent(feature.rate)} against a benchmark of ${percent(feature.benchmark)}`,
      );
    }
  }
  if (today.messages.sent > 0 && today.messages.complaintRate > thresholds.complaintRate) {
    raise(
      'complaint-rate',
      'orange',
      { kind: 'complaint-rate', rate: today.messages.complaintRate, limit: thresholds.complaintRate },
      thresholds.playbooks.complaints,
      `complaint rate ${percent(today.messages.complaintRate)}`,
    );
  }
  if (today.messages.sent > 0 && today.messages.bounceRate > thresholds.bounceRate) {
    raise(
      'bounce-rate',
      'orange',
      { kind: 'bounce-rate', rate: today.messages.bounceRate, limit: thresholds.bounceRate },
      thresholds.playbooks.bounces,
      `bounce rate ${percent(today.messages.bounceRate)}`,
    );
  }
  return alerts;
}
