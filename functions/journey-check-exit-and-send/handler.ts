import middy from '@middy/core';
import { JourneyInputInvalid, type JourneyCursor } from '../../shared/domain/journeys';
import { checkExitAndSend, CheckExitAndSendInput } from '../../shared/adapters/journeys/check-exit-and-send';
import { ENV, JourneyLaunchConfig, JOURNEY_ENV } from '../../shared/adapters/journeys/journey-config';
import { handOverToTier } from '../../shared/adapters/journeys/journey-use-cases';
import { SqsLaunchQueue } from '../../shared/adapters/journeys/launch-queue';
import { journeyStores } from '../../shared/adapters/journeys/journey-wiring';
import { MessengerJourneySender } from '../../shared/adapters/journeys/journey-sender';
import { createMessenger, DynamoSuppressionList, MESSAGING_DEFAULTS } from '../../shared/adapters/messaging';
import { JourneyNotFound } from '../../shared/adapters/journeys/errors';
import { readConfig } from '../../shared/config/read-config';
import { logger } from '../../shared/adapters/observability/logger';
import { transientErrorsAsRetryable } from '../../shared/adapters/transient-errors';

const config = readConfig(JourneyLaunchConfig);
const stores = journeyStores(config);
const suppressions = new DynamoSuppressionList(stores.client, { users: config[ENV.usersTable], operations: config[ENV.operationsTable] });
const launchQueue = new SqsLaunchQueue(config[JOURNEY_ENV.launchQueueUrl]);
const sender = new MessengerJourneySender(createMessenger({ clock: stores.clock }), stores, MESSAGING_DEFAULTS.appUrl);

/**
 * The CheckExitAndSend task of the recall-journey state machine: one step of one user's journey.
 * Errors are thrown by name for the state machine's Retry and Catch; none is swallowed.
 */
export const handler = middy<unknown, JourneyCursor>()
  .use(transientErrorsAsRetryable())
  .handler(async (event) => {
    const parsed = CheckExitAndSendInput.safeParse(event);
    if (!parsed.success) throw new JourneyInputInvalid(`CheckExitAndSend input: ${parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ')}`);
    const cursor = await checkExitAndSend(parsed.data, {
      clock: stores.clock,
      journeyStatus: async (journeyId) => {
        const journey = await stores.journeys.get(journeyId);
        if (!journey) throw new JourneyNotFound(journeyId);
        return journey.status;
      },
      killSwitchEngaged: stores.killSwitchEngaged,
      activitySince: stores.activitySince,
      sender,
      putStep: (journeyId, userId, record) => stores.enrollments.putStep(journeyId, userId, record),
      putExit: (journeyId, userId, record) => stores.enrollments.putExit(journeyId, userId, record),
      sunset: async (userId, at) => ((await suppressions.add({ kind: 'sunset', userId, at: at.toISOString() })) ? 'added' : 'already-there'),
      handOver: (userId, toTier, enrolledAt) => handOverToTier(userId, toTier, enrolledAt, { journeys: stores.journeys, enrollments: stores.enrollments, queue: launchQueue }),
    });
    logger.debug('journey step', { executionName: parsed.data.executionName, step: parsed.data.cursor, next: cursor });
    return cursor;
  });
