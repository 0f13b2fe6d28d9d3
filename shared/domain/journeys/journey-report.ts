/**
 * A journey's report from per-user outcomes: funnel, reactivation, lift over the holdout with a 95%
 * interval, incremental revenue and spill-over, for the whole journey and per tier. Pure: the
 * adapter gathers the outcomes, this computes the statistics.
 */
import { z } from 'zod';
import { RECALL_TIERS, RecallTier } from './journey-definition';
import { newcombeDifferenceInterval, type Interval } from './proportion-intervals';

/** What happened to one enrolled user (treatment or holdout), as recorded and observed from events. */
export const UserJourneyOutcome = z.object({
  userId: z.string().min(1),
  tier: RecallTier.nullable(),
  holdout: z.boolean(),
  /** At least one message was sent to the user. */
  contacted: z.boolean(),
  /** One entry per send the contact policy skipped, with its reason (unsubscribed, quiet-hours, ...). */
  skippedReasons: z.array(z.string().min(1)),
  /** One entry per send that failed (template-error, provider-rejected, ...) or is still deferred, as `failed:<code>` / `deferred:<reason>`. */
  notSentReasons: z.array(z.string().min(1)),
  delivered: z.boolean(),
  opened: z.boolean(),
  clicked: z.boolean(),
  reactivatedWithin7d: z.boolean(),
  reactivatedWithin30d: z.boolean(),
  revenueAfterEnrollment: z.number().min(0),
  /** Features the user used before enrollment. */
  featuresUsedBefore: z.array(z.string()),
  /** Features used after reactivation (empty if not reactivated). */
  featuresUsedAfterReactivation: z.array(z.string()),
});
export type UserJourneyOutcome = z.infer<typeof UserJourneyOutcome>;

/** Reactivation and revenue of one arm; rates are null when the arm is empty. */
export interface ArmStatistics {
  enrolled: number;
  reactivatedWithin7d: number;
  reactivatedWithin30d: number;
  reactivationRate7d: number | null;
  reactivationRate30d: number | null;
  revenue: number;
  meanRevenue: number | null;
  /** Reactivated within 30 days and used a feature they had not used before. */
  spillOver: SpillOver;
}

export interface SpillOver {
  reactivated: number;
  usedOtherFeatures: number;
  /** usedOtherFeatures / reactivated, null when nobody reactivated. */
  share: number | null;
}

/** The treatment arm adds the messaging funnel. */
export interface TreatmentStatistics extends ArmStatistics {
  contacted: number;
  skippedByReason: Record<string, number>;
  /** Sends that failed or are still deferred, by `failed:<code>` / `deferred:<reason>`: none is dropped from the report. */
  notSentByReason: Record<string, number>;
  delivered: number;
  opened: number;
  clicked: number;
  /** contacted / enrolled, delivered / contacted, opened and clicked / delivered; null on an empty denominator. */
  contactRate: number | null;
  deliveryRate: number | null;
  openRate: number | null;
  clickRate: number | null;
}

/** Treatment rate − holdout rate, with Newcombe's hybrid score 95% interval. */
export interface LiftEstimate {
  absolute: number;
  confidence95: Interval;
  method: 'newcombe-hybrid-score';
}

export interface ReportSection {
  enrolled: number;
  treatment: TreatmentStatistics;
  holdout: ArmStatistics;
  /** Null when either arm is empty: no comparison is possible. */
  liftWithin7d: LiftEstimate | null;
  liftWithin30d: LiftEstimate | null;
  /** (treatment mean − holdout mean) × treated users; null when either arm is empty. */
  incrementalRevenue: number | null;
}

export interface JourneyReport {
  journeyId: string;
  overall: ReportSection;
  /** Only tiers with at least one enrolled user. */
  perTier: Partial<Record<RecallTier, ReportSection>>;
}

function ratio(numerator: number, denominator: number): number | null {
  return denominator === 0 ? null : numerator / denominator;
}

function count(outcomes: readonly UserJourneyOutcome[], predicate: (outcome: UserJourneyOutcome) => boolean): number {
  return outcomes.reduce((total, outcome) => total + (predicate(outcome) ? 1 : 0), 0);
}

/** True when the user, reactivated, used a feature they had not used before enrollment. */
export function usedOtherFeatures(outcome: UserJourneyOutcome): boolean {
  const before = new Set(outcome.featuresUsedBefore);
  return outcome.featuresUsedAfterReactivation.some((feature) => !before.has(feature));
}

function armStatistics(outcomes: readonly UserJourneyOutcome[]): ArmStatistics {
  const enrolled = outcomes.length;
  const reactivatedWithin7d = count(outcomes, (outcome) => outcome.reactivatedWithin7d);
  const reactivatedWithin30d = count(outcomes, (outcome) => outcome.reactivatedWithin30d);
  const revenue = outcomes.reduce((total, outcome) => total + outcome.revenueAfterEnrollment, 0);
  const spilled = count(outcomes, (outcome) => outcome.reactivatedWithin30d && usedOtherFeatures(outcome));
  return {
    enrolled,
    reactivatedWithin7d,
    reactivatedWithin30d,
    reactivationRate7d: ratio(reactivatedWithin7d, enrolled),
    reactivationRate30d: ratio(reactivatedWithin30d, enrolled),
    revenue,
    meanRevenue: ratio(revenue, enrolled),
    spillOver: { reactivated: reactivatedWithin30d, usedOtherFeatures: spilled, share: ratio(spilled, reactivatedWithin30d) },
  };
}

function treatmentStatistics(outcomes: readonly UserJourneyOutcome[]): TreatmentStatistics {
  const contacted = count(outcomes, (outcome) => outcome.contacted);
  const delivered = count(outcomes, (outcome) => outcome.delivered);
  const opened = count(outcomes, (outcome) => outcome.opened);
  const clicked = count(outcomes, (outcome) => outcome.clicked);
  const skippedByReason: Record<string, number> = {};
  for (const outcome of outcomes) {
    for (const reason of outcome.skippedReasons) skippedByReason[reason] = (skippedByReason[reason] ?? 0) + 1;
  }
  const notSentByReason: Record<string, number> = {};
  for (const outcome of outcomes) {
    for (const reason of outcome.notSentReasons) notSentByReason[reason] = (notSentByReason[reason] ?? 0) + 1;
  }
  return {
    ...armStatistics(outcomes),
    contacted,
    skippedByReason,
    notSentByReason,
    delivered,
    opened,
    clicked,
    contactRate: ratio(contacted, outcomes.length),
    deliveryRate: ratio(delivered, contacted),
    openRate: ratio(opened, delivered),
    clickRate: ratio(clicked, delivered),
  };
}

function lift(treatmentReactivated: number, treatmentEnrolled: number, holdoutReactivated: number, holdoutEnrolled: number): LiftEstimate | null {
  const interval = newcombeDifferenceInterval(treatmentReactivated, treatmentEnrolled, holdoutReactivated, holdoutEnrolled);
  if (interval === undefined) return null;
  return {
    absolute: treatmentReactivated / treatmentEnrolled - holdoutReactivated / holdoutEnrolled,
    confidence95: interval,
    method: 'newcombe-hybrid-score',
  };
}

/** Statistics of one group of outcomes (a journey or one of its tiers). */
export function buildReportSection(outcomes: readonly UserJourneyOutcome[]): ReportSection {
  const treatment = treatmentStatistics(outcomes.filter((outcome) => !outcome.holdout));
  const holdout = armStatistics(outcomes.filter((outcome) => outcome.holdout));
  const incrementalRevenue =
    treatment.meanRevenue === null || holdout.meanRevenue === null ? null : (treatment.meanRevenue - holdout.meanRevenue) * treatment.enrolled;
  return {
    enrolled: outcomes.length,
    treatment,
    holdout,
    liftWithin7d: lift(treatment.reactivatedWithin7d, treatment.enrolled, holdout.reactivatedWithin7d, holdout.enrolled),
    liftWithin30d: lift(treatment.reactivatedWithin30d, treatment.enrolled, holdout.reactivatedWithin30d, holdout.enrolled),
    incrementalRevenue,
  };
}

/** The journey's report, overall and for every tier that has enrolled users. */
export function buildJourneyReport(journeyId: string, outcomes: readonly UserJourneyOutcome[]): JourneyReport {
  const perTier: Partial<Record<RecallTier, ReportSection>> = {};
  for (const tier of RECALL_TIERS) {
    const tierOutcomes = outcomes.filter((outcome) => outcome.tier === tier);
    if (tierOutcomes.length > 0) perTier[tier] = buildReportSection(tierOutcomes);
  }
  return { journeyId, overall: buildReportSection(outcomes), perTier };
}
