import { runtimeClock } from '../../shared/adapters/runtime-clock';
import { logger } from '../../shared/adapters/observability/logger';
import { loyaltyServicesFromEnv } from '../../shared/adapters/loyalty/loyalty-config';
import { sweepCheckinPrograms, type SweepReport } from '../../shared/adapters/loyalty/loyalty-use-cases';

const services = loyaltyServicesFromEnv(runtimeClock);

/**
 * How many due programs one shard handles per run. 16 shards × 2,000 fits the 5-minute timeout
 * with room; what is left is still due and is picked up 15 minutes later.
 */
const LIMIT_PER_SHARD = 2000;

/** Invoked every 15 minutes by EventBridge Scheduler (the input is ignored: "now" is the clock). */
export const handler = async (): Promise<SweepReport> => {
  const report = await sweepCheckinPrograms(services, { limitPerShard: LIMIT_PER_SHARD });
  logger.info('check-in sweep', { ...report });
  return report;
};
