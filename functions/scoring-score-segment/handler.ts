import { performance } from 'node:perf_hooks';
import middy from '@middy/core';
import { transientErrorsAsRetryable } from '../../shared/adapters/transient-errors';
import type { Context } from 'aws-lambda';
import { scoreSegment, SegmentTask, type SegmentTaskResult } from '../../shared/domain/scoring-run';
import { dynamoDocumentClient } from '../../shared/adapters/dynamodb/client';
import { DynamoUserScanner } from '../../shared/adapters/scoring/dynamo-user-scanner';
import { DynamoScoreSink } from '../../shared/adapters/scoring/dynamo-score-sink';
import { DynamoScoringStores } from '../../shared/adapters/scoring/dynamo-scoring-stores';
import { EventBridgeTierPublisher } from '../../shared/adapters/scoring/eventbridge-tier-publisher';
import { ScoringFunctionConfig, scoringSettingsOf } from '../../shared/adapters/scoring/scoring-config';
import { readConfig } from '../../shared/config/read-config';
import { ENV } from '../../shared/config/tables';

const config = readConfig(ScoringFunctionConfig);
const client = dynamoDocumentClient();
const scanner = new DynamoUserScanner(client, config[ENV.usersTable]);
const sink = new DynamoScoreSink(client, config[ENV.usersTable]);
const stores = new DynamoScoringStores(client, config[ENV.operationsTable]);
const events = new EventBridgeTierPublisher();
const settings = scoringSettingsOf(config);

/** Stops a segment with a quarter of the invocation's time (at most a minute) left for the tail. */
const MAX_MARGIN_MS = 60_000;

/**
 * ScoreSegment task: scores one parallel-scan segment, pausing before the function's timeout and
 * returning a cursor the state machine loops on, so no segment is ever too big for one Lambda.
 */
export const handler = middy<unknown, SegmentTaskResult>().use(transientErrorsAsRetryable()).handler(async (event, context: Context) => {
  const started = performance.now();
  const margin = Math.min(MAX_MARGIN_MS, context.getRemainingTimeInMillis() / 4);
  return scoreSegment(SegmentTask.parse(event), {
    scanner,
    sink,
    events,
    runs: stores,
    settings,
    outOfTime: () => context.getRemainingTimeInMillis() < margin,
    elapsedMs: () => performance.now() - started,
    memoryMb: Number(context.memoryLimitInMB) || 1024,
  });
});
