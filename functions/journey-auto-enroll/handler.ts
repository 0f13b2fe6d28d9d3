import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { EventBridgeEvent } from 'aws-lambda';
import { parseInput } from '../../shared/domain/common';
import { TierChangedDetail } from '../../shared/domain/journeys';
import { enrollOnTierChange } from '../../shared/application/journeys/enroll-on-tier-change';
import { logger } from '../../shared/adapters/observability/logger';
import { countMetric, publishCountedMetrics } from '../../shared/adapters/observability/metrics';
import { composeJourneys } from '../../shared/composition/journeys';

const journeys = composeJourneys();

type AutoEnrollAnswer = { enrolledIn: string | null; alreadyEnrolled: boolean };

/** Automatic recall: a TierChanged event enrolls the user in the new tier's automatic journey, unless already a member. */
export const handler = middy<EventBridgeEvent<'TierChanged', unknown>, AutoEnrollAnswer>()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(publishCountedMetrics())
  .handler(async (event) => {
    const change = parseInput(TierChangedDetail, event.detail, 'the TierChanged detail');
    const enrolled = await enrollOnTierChange(change, event.time, journeys);
    const alreadyEnrolled = enrolled?.alreadyEnrolled ?? false;
    if (enrolled && !alreadyEnrolled) countMetric(enrolled.holdout ? 'JourneyHoldoutEnrollments' : 'JourneyEnrollments');
    logger.info('tier change handled', {
      userId: change.userId,
      to: change.to,
      enrolledIn: enrolled?.journeyId ?? null,
      holdout: enrolled?.holdout ?? null,
      alreadyEnrolled,
      enrolledAt: enrolled?.enrolledAt ?? null,
    });
    return { enrolledIn: enrolled?.journeyId ?? null, alreadyEnrolled };
  });
