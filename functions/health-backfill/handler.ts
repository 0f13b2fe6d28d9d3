import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { z } from 'zod';
import { transientErrorsAsRetryable } from '../../shared/adapters/transient-errors';
import { logger } from '../../shared/adapters/observability/logger';
import { backfillHealthDays } from '../../shared/application/health/backfill-health-days';
import { composeHealth } from '../../shared/composition/health';
import { parseInput } from '../../shared/domain/common';
import { reportingDayBefore } from '../../shared/domain/health';

/** The request: how many days back (default 30), ending with `through` (default: yesterday in the reporting zone). */
export const BackfillRequest = z.strictObject({
  through: z.iso.date().optional(),
  days: z.number().int().min(1).max(60).default(30),
});
export type BackfillRequest = z.infer<typeof BackfillRequest>;

// Read at cold start: a missing variable fails the first invocation, naming it.
const health = composeHealth();
const ports = health.backfill();

/**
 * Fills the health series of past days from the users' aggregates in one pass (no alerts, no
 * STOP). Invoked once by the local runtime when the seeded population is in, or by an operator
 * after importing history; one invocation reads the whole users table (in parallel segments), so
 * it suits populations a 15-minute Lambda can read (a few hundred thousand users); a larger
 * deployment builds its series night by night.
 */
export const handler = middy<unknown, { days: string[]; users: number }>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(transientErrorsAsRetryable())
  .handler(async (event) => {
    const request = parseInput(BackfillRequest, event ?? {}, 'the backfill request');
    const through = request.through ?? reportingDayBefore(health.clock.now(), ports.settings.timeZone);
    const result = await backfillHealthDays({ through, days: request.days }, ports);
    logger.info('health backfilled', { from: result.days[0], through: result.days.at(-1), users: result.users });
    return result;
  });
