import type { EventBridgeEvent } from 'aws-lambda';
import { JourneyLaunchConfig, JOURNEY_ENV } from '../../shared/adapters/journeys/journey-config';
import { journeyStores } from '../../shared/adapters/journeys/journey-wiring';
import { SqsLaunchQueue } from '../../shared/adapters/journeys/launch-queue';
import { enrollOnTierChange, TierChangedDetail } from '../../shared/adapters/journeys/journey-use-cases';
import { readConfig } from '../../shared/config/read-config';
import { logger } from '../../shared/adapters/observability/logger';

const config = readConfig(JourneyLaunchConfig);
const stores = journeyStores(config);
const queue = new SqsLaunchQueue(config[JOURNEY_ENV.launchQueueUrl]);

/** Automatic recall: a TierChanged event enrolls the user in the new tier's automatic journey, unless already a member. */
export const handler = async (event: EventBridgeEvent<'TierChanged', unknown>): Promise<{ enrolledIn: string | null; alreadyEnrolled: boolean }> => {
  const change = TierChangedDetail.parse(event.detail);
  const enrolled = await enrollOnTierChange(change, event.time, { journeys: stores.journeys, enrollments: stores.enrollments, queue });
  const alreadyEnrolled = enrolled?.alreadyEnrolled ?? false;
  logger.info('tier change handled', { userId: change.userId, to: change.to, enrolledIn: enrolled?.journeyId ?? null, holdout: enrolled?.holdout ?? null, alreadyEnrolled, enrolledAt: enrolled?.enrolledAt ?? null });
  return { enrolledIn: enrolled?.journeyId ?? null, alreadyEnrolled };
};
