import {
  buildExperimentReport,
  type ExperimentReport,
  type ExperimentSnapshotStore,
  type GlobalControlConfig,
  type RolloutStateStore,
} from '../../domain/experiments';
import { JourneyNotFound, type JourneyStore } from '../../domain/journeys';

export type { ArmFigures, ExperimentReport, SendStepExperiment, StageReport } from '../../domain/experiments';

export interface ExperimentReportPorts {
  journeys: Pick<JourneyStore, 'get'>;
  rollouts: Pick<RolloutStateStore, 'get'>;
  snapshots: Pick<ExperimentSnapshotStore, 'latest'>;
  globalControl: GlobalControlConfig;
}

/**
 * The experiment report of a journey, per variant of each send step and per rollout stage, with the
 * global control group apart, from the tally the last rollout evaluation stored (the same the
 * guardrails read, so the two never disagree): a few reads whatever the population.
 * @throws {JourneyNotFound} for an unknown id.
 */
export async function reportExperiment(journeyId: string, ports: ExperimentReportPorts): Promise<ExperimentReport> {
  const journey = await ports.journeys.get(journeyId);
  if (!journey) throw new JourneyNotFound(journeyId);
  const [rollout, snapshot] = await Promise.all([ports.rollouts.get(journeyId), ports.snapshots.latest(journeyId)]);
  return buildExperimentReport(journey.definition, rollout ?? null, snapshot ?? null, ports.globalControl.share);
}
