import { z } from 'zod';
import { readConfig } from '../../config/read-config';
import { ENV, EventsTableConfig, OperationsTableConfig, UsersTableConfig } from '../../config/tables';
import { dynamoDocumentClient } from '../dynamodb/client';
import { DynamoRawEventStore } from '../dynamodb/raw-event-store';
import { MESSAGING_ENV } from './config';
import { DynamoKillSwitch } from './kill-switch';
import { DynamoMessageLog } from './message-log';
import { DynamoSuppressionList } from './suppressions';
import { unsubscribeKeyringLoader } from './unsubscribe-keyring';
import { ConfigError } from '../../config/read-config';

/** Memoizes a factory: configuration is read once, on first use. */
export function once<T>(factory: () => T): () => T {
  let made: { value: T } | undefined;
  return () => (made ??= { value: factory() }).value;
}

const StoresConfig = UsersTableConfig.extend(OperationsTableConfig.shape).extend({
  [MESSAGING_ENV.messageLogRetentionDays]: z.coerce.number().int().positive(),
});

/** The message log and kill switch, for the marketer API. */
export const messagingStores = once(() => {
  const config = readConfig(StoresConfig);
  const client = dynamoDocumentClient();
  const tables = { users: config[ENV.usersTable], operations: config[ENV.operationsTable] };
  return {
    messageLog: new DynamoMessageLog(client, tables, config[MESSAGING_ENV.messageLogRetentionDays]),
    killSwitch: new DynamoKillSwitch(client, tables.operations),
    suppressions: new DynamoSuppressionList(client, tables),
  };
});

const FeedbackConfig = StoresConfig.extend(EventsTableConfig.shape).extend({ [ENV.rawEventRetentionDays]: z.coerce.number().int().positive() });

/** Suppressions and the raw-event store, for the unsubscribe endpoint and SES feedback. */
export const feedbackStores = once(() => {
  const config = readConfig(FeedbackConfig);
  return { ...messagingStores(), rawEvents: new DynamoRawEventStore(dynamoDocumentClient(), config[ENV.eventsTable], config[ENV.rawEventRetentionDays]) };
});

const KeyConfig = z.object({
  [MESSAGING_ENV.unsubscribeKeySecretArn]: z.string().min(1),
  REKINDLE_LOCAL: z.enum(['true', 'false']).optional(),
  [MESSAGING_ENV.localUnsubscribeKey]: z.string().min(32).optional(),
});

/** The unsubscribe keyring: Secrets Manager in AWS, the generated local key on the local runtime. */
export const unsubscribeKeyring = once(() => {
  const config = readConfig(KeyConfig);
  if (config.REKINDLE_LOCAL === 'true') {
    const key = config[MESSAGING_ENV.localUnsubscribeKey];
    if (key === undefined) throw new ConfigError(`invalid configuration: ${MESSAGING_ENV.localUnsubscribeKey}: the local runtime must provide the unsubscribe key`);
    return unsubscribeKeyringLoader({ kind: 'local', key });
  }
  return unsubscribeKeyringLoader({ kind: 'secrets-manager', secretArn: config[MESSAGING_ENV.unsubscribeKeySecretArn] });
});
