import { z } from 'zod';
import { readConfig } from '../../config/read-config';
import { ENV, EventsTableConfig, OperationsTableConfig, UsersTableConfig } from '../../config/tables';
import { dynamoDocumentClient } from '../dynamodb/client';
import { DynamoRawEventStore } from '../dynamodb/raw-event-store';
import { contactHistoryLookbackMs, type ContactPolicyConfig, type ReconcilePorts } from '../../domain/messaging';
import { MESSAGING_ENV, MessagingConfig } from './config';
import { DynamoContactHistory } from './contact-history';
import { DynamoKillSwitch } from './kill-switch';
import { DynamoMessageLog } from './message-log';
import { DynamoProviderReceipts, ProviderEvidenceRecords } from './provider-receipts';
import { DynamoSendReservations, DynamoStuckSends } from './reservations';
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

/** Suppressions, the raw-event store and provider receipts, for the unsubscribe endpoint and SES feedback. */
export const feedbackStores = once(() => {
  const config = readConfig(FeedbackConfig);
  return {
    ...messagingStores(),
    rawEvents: new DynamoRawEventStore(dynamoDocumentClient(), config[ENV.eventsTable], config[ENV.rawEventRetentionDays]),
    receipts: new DynamoProviderReceipts(dynamoDocumentClient(), config[ENV.operationsTable]),
  };
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

const ReconcileConfig = StoresConfig.extend(MessagingConfig.pick({ [MESSAGING_ENV.contactPolicy]: true, REKINDLE_LOCAL: true }).shape);

/**
 * How many stuck keys one index shard hands a sweep run (16 shards). Keys in doubt come only from
 * crashes inside a provider call; what is left over waits for the next run, 15 minutes later.
 */
const STUCK_SENDS_PER_SHARD = 500;

/**
 * The reconciliation sweep's ports: the sending index, provider evidence (SES receipts; the local
 * outbox for SMS and push on the local runtime), the send path's own reservation store and the
 * contact history. No sender: the sweep never sends.
 */
export const reconciliationServices = once((): { ports: ReconcilePorts; reservation: ContactPolicyConfig['reservation'] } => {
  const config = readConfig(ReconcileConfig);
  const policy = config[MESSAGING_ENV.contactPolicy];
  const client = dynamoDocumentClient();
  const tables = { users: config[ENV.usersTable], operations: config[ENV.operationsTable] };
  const localOutbox = config.REKINDLE_LOCAL === 'true' ? new DynamoMessageLog(client, tables, config[MESSAGING_ENV.messageLogRetentionDays]) : undefined;
  return {
    reservation: policy.reservation,
    ports: {
      stuckSends: new DynamoStuckSends(client, tables.users, STUCK_SENDS_PER_SHARD),
      providerRecords: new ProviderEvidenceRecords(new DynamoProviderReceipts(client, tables.operations), localOutbox),
      reservationsOf: (userId) => new DynamoSendReservations(client, tables.users, userId),
      contactHistory: new DynamoContactHistory(client, tables.users, contactHistoryLookbackMs(policy.disturbance)),
    },
  };
});
