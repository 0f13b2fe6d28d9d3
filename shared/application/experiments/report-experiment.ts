import {
  analyseExperiment,
  isInGlobalControl,
  liftConfidenceSequence,
  rolloutStageOf,
  type ExperimentAnalysis,
  type GlobalControlConfig,
  type LiftInterval,
  type RolloutState,
  type RolloutStateStore,
} from '../../domain/experiments';
import {
  JourneyNotFound,
  outcomeOf,
  reportHistoryStart,
  type ActivityReader,
  type EnrollmentStore,
  type JourneyMember,
  type JourneyStore,
  type UserJourneyOutcome,
} from '../../domain/journeys';
import { forEachConcurrently } from '../journeys/for-each-concurrently';

export interface ExperimentReportPorts {
  journeys: Pick<JourneyStore, 'get' | 'listMembers'>;
  enrollments: Pick<EnrollmentStore, 'recordsOf'>;
  activity: ActivityReader;
  rollouts: Pick<RolloutStateStore, 'get'>;
  globalControl: GlobalControlConfig;
}

/** Per-arm figures of the report: the funnel, conversion (reactivated within 7 and 30 days), revenue per user, unsubscribes. */
export interface ArmFigures {
  users: number;
  sent: number;
  delivered: number;
  opened: number;
  clicked: number;
  reactivated7d: number;
  reactivated30d: number;
  revenuePerUser: number | null;
  unsubscribed: number;
}

interface MemberOutcome {
  member: JourneyMember;
  outcome: UserJourneyOutcome;
  unsubscribed: boolean;
  /** The rollout stage the member's bucket falls in (holdout included, so each stage has its matched control). */
  stage: number | null;
}

export interface StageReport {
  stage: number;
  share: number;
  treated: ArmFigures;
  holdout: ArmFigures;
  /** Treated − holdout, reactivated within 7 days, always valid. */
  lift7d: LiftInterval | null;
}

export interface SendStepExperiment {
  sendNumber: number;
  variants: Record<string, ArmFigures>;
  holdout: ArmFigures;
  /** Variants against the holdout on reactivation within 7 days: always-valid lift, fixed-horizon interval, SRM, verdict. */
  analysis: ExperimentAnalysis;
}

export interface ExperimentReport {
  journeyId: string;
  rollout: RolloutState | null;
  /** The members of the global control group, apart: never contacted by any journey, out of every arm below. */
  globalControl: { share: number; members: ArmFigures };
  stages: StageReport[];
  steps: SendStepExperiment[];
}

function figures(outcomes: readonly MemberOutcome[]): ArmFigures {
  const count = (predicate: (entry: MemberOutcome) => boolean) => outcomes.filter(predicate).length;
  const revenue = outcomes.reduce((sum, entry) => sum + entry.outcome.revenueAfterEnrollment, 0);
  return {
    users: outcomes.length,
    sent: count((entry) => entry.outcome.contacted),
    delivered: count((entry) => entry.outcome.delivered),
    opened: count((entry) => entry.outcome.opened),
    clicked: count((entry) => entry.outcome.clicked),
    reactivated7d: count((entry) => entry.outcome.reactivatedWithin7d),
    reactivated30d: count((entry) => entry.outcome.reactivatedWithin30d),
    revenuePerUser: outcomes.length === 0 ? null : revenue / outcomes.length,
    unsubscribed: count((entry) => entry.unsubscribed),
  };
}

const conversions = (arm: ArmFigures) => ({ users: arm.users, conversions: arm.reactivated7d });

/**
 * The experiment report of a journey, per variant of each send step and per rollout stage, with the
 * global control group apart. The control of every comparison is the journey's holdout; during a
 * rollout only the stages begun count, on both sides (a holdout member belongs to the stage its
 * bucket would have admitted it in), so the arms stay comparable and in their assigned ratio.
 * @throws {JourneyNotFound} for an unknown id.
 */
export async function reportExperiment(journeyId: string, ports: ExperimentReportPorts): Promise<ExperimentReport> {
  const journey = await ports.journeys.get(journeyId);
  if (!journey) throw new JourneyNotFound(journeyId);
  const { definition } = journey;
  const [members, rollout] = await Promise.all([ports.journeys.listMembers(journeyId), ports.rollouts.get(journeyId)]);
  const records = await ports.enrollments.recordsOf(
    journeyId,
    members.map((member) => member.userId),
  );
  const entries: MemberOutcome[] = [];
  await forEachConcurrently(members, 16, async (member) => {
    const days = await ports.activity.activitySince(member.userId, reportHistoryStart(member));
    const outcome = outcomeOf(member, records.get(member.userId) ?? { steps: [] }, days);
    const unsubscribed = days.some((day) => day.unsubscribes > 0 && Date.parse(day.lastEventAt) > Date.parse(member.enrolledAt));
    const stage = definition.rollout === undefined ? null : (member.rolloutStage ?? rolloutStageOf(journeyId, member.userId, definition.rollout.stages));
    entries.push({ member, outcome, unsubscribed, stage });
  });
  entries.sort((a, b) => a.member.userId.localeCompare(b.member.userId));

  const inGlobalControl = (entry: MemberOutcome) => isInGlobalControl(entry.member.userId, ports.globalControl);
  const measured = entries.filter((entry) => !inGlobalControl(entry));
  const currentStage = rollout?.stage ?? (definition.rollout === undefined ? null : 0);
  const begun = measured.filter((entry) => currentStage === null || entry.stage === null || entry.stage <= currentStage);
  const holdout = begun.filter((entry) => entry.member.holdout);
  const treated = begun.filter((entry) => !entry.member.holdout);

  const stages: StageReport[] = (definition.rollout?.stages ?? []).flatMap((stage, index) => {
    if (currentStage === null || index > currentStage) return [];
    const cohort = begun.filter((entry) => entry.stage === index);
    const treatedFigures = figures(cohort.filter((entry) => !entry.member.holdout));
    const holdoutFigures = figures(cohort.filter((entry) => entry.member.holdout));
    return [
      {
        stage: index,
        share: stage.share,
        treated: treatedFigures,
        holdout: holdoutFigures,
        lift7d:
          liftConfidenceSequence(conversions(treatedFigures), conversions(holdoutFigures), { alpha: 0.05, tuningSample: definition.rollout!.tuningSample }) ??
          null,
      },
    ];
  });

  const holdoutFigures = figures(holdout);
  const steps: SendStepExperiment[] = definition.steps
    .filter((step) => step.kind === 'send')
    .flatMap((step, index) => {
      if (step.kind !== 'send' || step.variants === undefined) return [];
      const sendNumber = index + 1;
      const weightTotal = step.variants.reduce((sum, variant) => sum + variant.weight, 0);
      const variants: Record<string, ArmFigures> = {};
      for (const variant of step.variants)
        variants[variant.id] = figures(treated.filter((entry) => entry.member.variants?.[String(sendNumber)] === variant.id));
      const analysis = analyseExperiment({
        control: { assignedShare: definition.holdoutShare, counts: conversions(holdoutFigures) },
        variants: step.variants.map((variant) => ({
          id: variant.id,
          assignedShare: ((1 - definition.holdoutShare) * variant.weight) / weightTotal,
          counts: conversions(variants[variant.id]!),
        })),
        plannedSample: definition.rollout?.plannedSample,
        settings: { alpha: 0.05, tuningSample: definition.rollout?.tuningSample ?? 5_000 },
      });
      return [{ sendNumber, variants, holdout: holdoutFigures, analysis }];
    });

  return {
    journeyId,
    rollout: rollout ?? null,
    globalControl: { share: ports.globalControl.share, members: figures(entries.filter(inGlobalControl)) },
    stages,
    steps,
  };
}
