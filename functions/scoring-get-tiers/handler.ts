import { NotFoundError } from '../../shared/domain/common';
import { tierDistribution } from '../../shared/domain/scoring-run';
import { httpHandler, json } from '../../shared/adapters/http/http-api';
import { dynamoDocumentClient } from '../../shared/adapters/dynamodb/client';
import { DynamoScoringStores } from '../../shared/adapters/scoring/dynamo-scoring-stores';
import { readConfig } from '../../shared/config/read-config';
import { ENV, OperationsTableConfig } from '../../shared/config/tables';

const config = readConfig(OperationsTableConfig);
const stores = new DynamoScoringStores(dynamoDocumentClient(), config[ENV.operationsTable]);

/** GET /v1/tiers: the tier, RFM segment and quadrant distribution of the latest run. */
export const handler = httpHandler(async () => {
  const summary = await stores.latestSummary();
  if (!summary) throw new NotFoundError('no scoring run has finished yet: run `rekindle score`');
  return json(200, tierDistribution(summary));
});
