import middy from '@middy/core';
import { transientErrorsAsRetryable } from '../../shared/adapters/transient-errors';
import { prepareRun, RunRequest, type PreparedRun } from '../../shared/domain/scoring-run';
import { dynamoDocumentClient } from '../../shared/adapters/dynamodb/client';
import { runtimeClock } from '../../shared/adapters/runtime-clock';
import { DynamoUserScanner } from '../../shared/adapters/scoring/dynamo-user-scanner';
import { DynamoScoringStores } from '../../shared/adapters/scoring/dynamo-scoring-stores';
import { ScoringFunctionConfig, scoringSettingsOf } from '../../shared/adapters/scoring/scoring-config';
import { readConfig } from '../../shared/config/read-config';
import { ENV } from '../../shared/config/tables';
import { logger } from '../../shared/adapters/observability/logger';

const config = readConfig(ScoringFunctionConfig);
const client = dynamoDocumentClient();
const scanner = new DynamoUserScanner(client, config[ENV.usersTable]);
const stores = new DynamoScoringStores(client, config[ENV.operationsTable]);
const settings = scoringSettingsOf(config);

/** PrepareRun task: run date, parameters (refitted when due), the sample's cut points, segments. */
export const handler = middy<unknown, PreparedRun>().use(transientErrorsAsRetryable()).handler(async (event) => {
  const prepared = await prepareRun(RunRequest.parse(event), { sampler: scanner, params: stores, runs: stores, clock: runtimeClock, settings });
  logger.info('scoring run prepared', { runId: prepared.runId, date: prepared.date, paramsVersion: prepared.paramsVersion, refitted: prepared.refitted, sampleUsers: prepared.reference.sampleUsers });
  return prepared;
});
