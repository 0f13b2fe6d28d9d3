import { InvalidInputError, NotFoundError } from '../../shared/domain/common';
import { httpHandler, json, pathParameter } from '../../shared/adapters/http/http-api';
import { dynamoDocumentClient } from '../../shared/adapters/dynamodb/client';
import { DynamoScoringStores } from '../../shared/adapters/scoring/dynamo-scoring-stores';
import { ScoringApiConfig, SCORING_ENV } from '../../shared/adapters/scoring/scoring-config';
import { StepFunctionsRunLauncher } from '../../shared/adapters/scoring/sfn-run-launcher';
import { readConfig } from '../../shared/config/read-config';
import { ENV } from '../../shared/config/tables';

const config = readConfig(ScoringApiConfig);
const launcher = new StepFunctionsRunLauncher(config[SCORING_ENV.stateMachineArn]);
const stores = new DynamoScoringStores(dynamoDocumentClient(), config[ENV.operationsTable]);

/** GET /v1/scoring/runs/{runId} (or `latest`): status, progress per segment, and the summary once done. */
export const handler = httpHandler(async (event) => {
  const runId = pathParameter(event, 'runId');
  if (runId === 'latest') {
    const summary = await stores.latestSummary();
    if (!summary) throw new NotFoundError('no scoring run has finished yet');
    return json(200, { runId: summary.runId, status: 'SUCCEEDED', summary });
  }
  if (!/^[A-Za-z0-9_.-]{1,80}$/.test(runId)) throw new InvalidInputError('the run id is invalid');
  const [execution, record] = await Promise.all([launcher.describe(runId), stores.getRun(runId)]);
  if (!execution && !record.prepared) throw new NotFoundError('no such run');
  const segmentsDone = record.segments.filter((segment) => segment.done).length;
  const usersScored = record.segments.reduce((sum, segment) => sum + segment.counts.usersScored, 0);
  return json(200, {
    runId,
    status: execution?.status ?? (record.summary ? 'SUCCEEDED' : 'UNKNOWN'),
    date: record.prepared?.date ?? null,
    error: execution?.error ?? null,
    cause: execution?.cause ?? null,
    progress: {
      totalSegments: record.prepared?.totalSegments ?? null,
      segmentsDone,
      usersScored,
      estimatedUsers: record.prepared?.estimatedUsers ?? null,
    },
    summary: record.summary,
  });
});
