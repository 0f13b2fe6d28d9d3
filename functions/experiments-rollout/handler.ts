import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { z } from 'zod';
import { assertNever, parseInput } from '../../shared/domain/common';
import {
  commitRollout,
  CommitInput,
  decideEvaluation,
  DecideInput,
  planEvaluations,
  queueMemberPage,
  QueuePageInput,
  tallyMemberPage,
  TallyPageInput,
} from '../../shared/application/experiments/evaluate-rollouts';
import { logger } from '../../shared/adapters/observability/logger';
import { transientErrorsAsRetryable } from '../../shared/adapters/transient-errors';
import { composeRollouts } from '../../shared/composition/experiments';

const rollouts = composeRollouts();

/** The rollout workflow's tasks (workflows/experiment-rollout.ts), each named by the state that calls it. */
const RolloutTask = z.discriminatedUnion('task', [
  z.object({ task: z.literal('plan') }),
  TallyPageInput.extend({ task: z.literal('tally-page') }),
  DecideInput.extend({ task: z.literal('decide') }),
  QueuePageInput.extend({ task: z.literal('queue-page') }),
  CommitInput.extend({ task: z.literal('commit') }),
]);

/**
 * The one function of the rollout workflow (one function, not five: the stateless stack is near
 * CloudFormation's 500 resources). Each task calls one use case and reads at most one page of one
 * member shard; errors are thrown by name for the state machine's Retry.
 */
export const handler = middy<unknown, unknown>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(transientErrorsAsRetryable())
  .handler(async (event) => {
    const input = parseInput(RolloutTask, event, 'the rollout task input');
    switch (input.task) {
      case 'plan': {
        const planned = await planEvaluations(rollouts);
        logger.info('rollout evaluations planned', { journeys: planned.evaluations.map((evaluation) => evaluation.journeyId) });
        return planned;
      }
      case 'tally-page': {
        const { evaluation, shard } = input;
        const { cursor, tally } = await tallyMemberPage(
          { journeyId: evaluation.journeyId, stage: evaluation.stage, shard, cursor: input.cursor, tally: input.tally },
          rollouts,
        );
        // The next page's input as it stands (the state machine passes it back until done); no cursor once the shard is read.
        return { task: input.task, evaluation, shard, ...(cursor === undefined ? {} : { cursor }), tally, done: cursor === undefined };
      }
      case 'decide': {
        const decided = await decideEvaluation({ ...input.evaluation, tallies: input.tallies }, rollouts);
        logger.info('rollout evaluated', { journeyId: decided.journeyId, decision: decided.decision, stage: decided.stage });
        return { ...decided, queueing: decided.queue !== undefined };
      }
      case 'queue-page': {
        const { cursor, queued } = await queueMemberPage(input, rollouts);
        if (queued > 0) logger.info('rollout members queued', { journeyId: input.journeyId, shard: input.shard, queued });
        const { task, journeyId, shard, window } = input;
        return { task, journeyId, shard, window, ...(cursor === undefined ? {} : { cursor }), queued, done: cursor === undefined };
      }
      case 'commit': {
        const answer = await commitRollout(input, rollouts);
        logger.info('rollout committed', { journeyId: input.state.journeyId, stage: input.state.stage, status: input.state.status, saved: answer.saved });
        return answer;
      }
      default:
        return assertNever(input);
    }
  });
