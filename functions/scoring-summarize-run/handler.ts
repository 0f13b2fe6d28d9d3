import middy from '@middy/core';
import { transientErrorsAsRetryable } from '../../shared/adapters/transient-errors';
import { summarizeRun, SummarizeRequest, type RunSummary } from '../../shared/domain/scoring-run';
import { dynamoDocumentClient } from '../../shared/adapters/dynamodb/client';
import { runtimeClock } from '../../shared/adapters/runtime-clock';
import { DynamoScoringStores } from '../../shared/adapters/scoring/dynamo-scoring-stores';
import { readConfig } from '../../shared/config/read-config';
import { OperationsTableConfig, ENV } from '../../shared/config/tables';
import { logger } from '../../shared/adapters/observability/logger';

const config = readConfig(OperationsTableConfig);
const stores = new DynamoScoringStores(dynamoDocumentClient(), config[ENV.operationsTable]);

/** Summarize task: adds up the segments and stores the run summary. */
export const handler = middy<unknown, RunSummary>().use(transientErrorsAsRetryable()).handler(async (event) => {
  const summary = await summarizeRun(SummarizeRequest.parse(event), { runs: stores, clock: runtimeClock });
  logger.info('scoring run finished', { runId: summary.runId, users: summary.totals.usersScored, written: summary.totals.itemsWritten, tierChanges: summary.totals.tierChanges });
  return summary;
});
