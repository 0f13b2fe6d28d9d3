import { JourneyInputInvalid, type JourneyCursor } from '../../shared/domain/journeys';
import { checkExitAndSend, CheckExitAndSendInput } from '../../shared/adapters/journeys/check-exit-and-send';
import { JourneyTablesConfig, ENV } from '../../shared/adapters/journeys/journey-config';
import { journeyStores } from '../../shared/adapters/journeys/journey-wiring';
import { RecordingJourneySender } from '../../shared/adapters/journeys/journey-sender';
import { JourneyNotFound } from '../../shared/adapters/journeys/errors';
import { readConfig } from '../../shared/config/read-config';
import { logger } from '../../shared/adapters/observability/logger';

const config = readConfig(JourneyTablesConfig);
const stores = journeyStores(config);
// Until the one send path (shared/adapters/messaging createMessenger) is merged; same port.
const sender = new RecordingJourneySender(stores.client, config[ENV.usersTable], stores.clock);

/**
 * The CheckExitAndSend task of the recall-journey state machine: one step of one user's journey.
 * Errors are thrown by name for the state machine's Retry and Catch; none is swallowed.
 */
export const handler = async (event: unknown): Promise<JourneyCursor> => {
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
  });
  logger.debug('journey step', { executionName: parsed.data.executionName, step: parsed.data.cursor, next: cursor });
  return cursor;
};
