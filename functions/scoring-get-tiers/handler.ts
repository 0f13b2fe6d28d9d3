import { NotFoundError } from '../../shared/domain/common';
import { httpHandler, json } from '../../shared/adapters/http/http-api';
import { latestTierDistribution } from '../../shared/application/scoring/get-tiers';
import { composeScoring } from '../../shared/composition/scoring';

// Read at cold start: a missing variable fails the first invocation, naming it.
const ports = composeScoring().runs();

/** GET /v1/tiers: the tier, RFM segment and quadrant distribution of the latest run. */
export const handler = httpHandler(async () => {
  const distribution = await latestTierDistribution(ports);
  if (!distribution) throw new NotFoundError('no scoring run has finished yet: run `rekindle score`');
  return json(200, distribution);
});
