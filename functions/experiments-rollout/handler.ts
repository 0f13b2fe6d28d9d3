import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { z } from 'zod';
import { parseInput } from '../../shared/domain/common';
import { evaluateRollouts, type RolloutEvaluation } from '../../shared/application/experiments/evaluate-rollouts';
import { logger } from '../../shared/adapters/observability/logger';
import { composeRollouts } from '../../shared/composition/experiments';

const rollouts = composeRollouts();

/** The schedule sends `{}` (EventBridge Scheduler's default input). */
const EvaluateRequest = z.object({}).passthrough();

/** Hourly: each staged rollout advances while its guardrails hold, or halts on a breach. */
export const handler = middy<unknown, { evaluations: RolloutEvaluation[] }>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(async (event) => {
    parseInput(EvaluateRequest, event ?? {}, 'the rollout evaluation request');
    const evaluations = await evaluateRollouts(rollouts);
    for (const evaluation of evaluations) logger.info('rollout evaluated', { ...evaluation });
    return { evaluations };
  });
