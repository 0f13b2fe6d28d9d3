import middy from '@middy/core';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { z } from 'zod';
import { StoredBehaviourEvent } from '../../shared/adapters/dynamodb/raw-event-store';
import { logger } from '../../shared/adapters/observability/logger';
import { countMetric, publishCountedMetrics } from '../../shared/adapters/observability/metrics';
import { countFeedbackEvent } from '../../shared/application/health/count-feedback-event';
import { composeHealth } from '../../shared/composition/health';
import { parseInput } from '../../shared/domain/common';

/** The stored raw event, as the ingest adapter writes it: the validated event under `event`. */
export const StoredFeedbackEvent = z.object({ event: StoredBehaviourEvent });
export type StoredFeedbackEvent = z.infer<typeof StoredFeedbackEvent>;

// Read at cold start: a missing variable fails the first invocation, naming it.
const ports = composeHealth().feedback();

/**
 * The experience-feedback consumer of the raw-event stream. The mapping's filter passes inserted
 * `feedback` events only, so the week's report never reads raw events; each is added to its
 * week's counters once (a retried batch adds nothing twice). Comments are never logged.
 */
export const handler = middy<DynamoDBStreamEvent, { counted: number; duplicates: number }>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(publishCountedMetrics())
  .handler(async (event) => {
    let counted = 0;
    let duplicates = 0;
    for (const record of event.Records) {
      if (!record.dynamodb?.NewImage) continue;
      const stored = parseInput(StoredFeedbackEvent, unmarshall(record.dynamodb.NewImage as Record<string, AttributeValue>), 'the stored raw event');
      const outcome = await countFeedbackEvent(stored.event, ports);
      if (outcome === 'counted') counted += 1;
      else if (outcome === 'already-counted') duplicates += 1;
    }
    countMetric('HealthFeedbackCounted', counted);
    logger.debug('feedback counted', { records: event.Records.length, counted, duplicates });
    return { counted, duplicates };
  });
