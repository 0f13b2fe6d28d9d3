/**
 * The rollout workflow's tasks run in the order its state machine runs them
 * (workflows/experiment-rollout.ts), in process, for unit tests on the fakes; the integration tests
 * run the state machine itself.
 */
import {
  commitRollout,
  decideEvaluation,
  planEvaluations,
  queueMemberPage,
  tallyMemberPage,
  type DecidedEvaluation,
  type RolloutPorts,
} from '../../shared/application/experiments/evaluate-rollouts';
import type { ExperimentTally } from '../../shared/domain/experiments';

export interface WorkflowEvaluation {
  journeyId: string;
  decision: DecidedEvaluation['decision'];
  stage: number | null;
  queued: number;
  /** Tally pages read, over every shard. */
  pages: number;
}

export async function runRolloutWorkflow(ports: RolloutPorts): Promise<WorkflowEvaluation[]> {
  const { evaluations, shards } = await planEvaluations(ports);
  const results: WorkflowEvaluation[] = [];
  for (const evaluation of evaluations) {
    let pages = 0;
    const tallies: ExperimentTally[] = [];
    for (const shard of evaluation.tally ? shards : []) {
      let cursor: string | undefined;
      let tally: ExperimentTally | undefined;
      do {
        ({ cursor, tally } = await tallyMemberPage({ journeyId: evaluation.journeyId, stage: evaluation.stage, shard, cursor, tally }, ports));
        pages += 1;
      } while (cursor !== undefined);
      tallies.push(tally);
    }
    const decided = await decideEvaluation({ ...evaluation, tallies }, ports);
    let queued = 0;
    if (decided.queue) {
      for (const shard of shards) {
        let cursor: string | undefined;
        do {
          const page = await queueMemberPage({ journeyId: evaluation.journeyId, shard, cursor, window: decided.queue.window }, ports);
          cursor = page.cursor;
          queued += page.queued;
        } while (cursor !== undefined);
      }
      await commitRollout(decided.queue, ports);
    }
    results.push({ journeyId: evaluation.journeyId, decision: decided.decision, stage: decided.stage, queued, pages });
  }
  return results;
}
