/**
 * The one composition module of messaging: reads the configuration (once per section, on first
 * use, a missing value throws naming the variable), builds the adapters and hands handlers and
 * other features the ports and the {@link Messenger}. Sections are separate because functions get
 * only the environment they need: the kill-switch API has no SES settings, the sweep no sender.
 */
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SNSClient } from '@aws-sdk/client-sns';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { messengerOver } from '../application/messaging/send-through-policy';
import type { Clock } from '../domain/common';
import {
  contactHistoryLookbackMs,
  createChannelRateGates,
  messageFactId,
  type ContactPolicyConfig,
  type FeedbackPorts,
  type KillSwitchStore,
  type MessageQueries,
  type Messenger,
  type ReconcilePorts,
  type SendReservations,
  type SuppressionWriter,
  type UnsubscribeKeyring,
} from '../domain/messaging';
import type { RawEventStore } from '../domain/events/ports';
import { ConfigError, readConfig } from '../config/read-config';
import { ENV, EventsTableConfig, OperationsTableConfig, UsersTableConfig } from '../config/tables';
import { dynamoDocumentClient } from '../adapters/dynamodb/client';
import { DynamoRawEventStore } from '../adapters/dynamodb/raw-event-store';
import { DynamoMessageOutcomeCounters } from '../adapters/health/message-outcome-counters';
import { MESSAGING_ENV, MessagingConfig } from '../adapters/messaging/config';
import { DynamoContactHistory } from '../adapters/messaging/contact-history';
import { DynamoContactProfiles } from '../adapters/messaging/contact-profiles';
import { DynamoKillSwitch } from '../adapters/messaging/kill-switch';
import { LocalOutboxSenders } from '../adapters/messaging/local-outbox-senders';
import { DynamoMessageLog } from '../adapters/messaging/message-log';
import { DynamoProviderReceipts, ProviderEvidenceRecords } from '../adapters/messaging/provider-receipts';
import { DynamoSendReservations, DynamoStuckSends } from '../adapters/messaging/reservations';
import { SesEmailSender, type SesSendEmail } from '../adapters/messaging/ses-email-sender';
import { SnsPushSender, SnsSmsSender, type SnsPublish } from '../adapters/messaging/sns-senders';
import { DynamoSuppressionList } from '../adapters/messaging/suppressions';
import { unsubscribeKeyringLoader } from '../adapters/messaging/unsubscribe-keyring';
import { countMetric } from '../adapters/observability/metrics';
import { runtimeClock } from '../adapters/runtime-clock';
import { messageTemplates } from '../templates';
import { once } from './once';

/** Pieces tests swap; a Lambda passes none. */
export interface MessengerOptions {
  /** Read from the environment on first use when absent. */
  config?: MessagingConfig;
  dynamodb?: DynamoDBDocumentClient;
  clock?: Clock;
  ses?: SesSendEmail;
  sns?: SnsPublish;
  /** Wraps each send's reservation store (tests simulate a crash between reserve and send). */
  wrapReservations?: (reservations: SendReservations) => SendReservations;
  /** Waits of the rate gates and throttle backoff; real timers by default. */
  pause?: (ms: number) => Promise<void>;
}

// One client per process. maxAttempts 1: SendEmail/Publish take no idempotency key, so an SDK retry
// after a lost answer could duplicate; the send path retries throttles itself.
let sesClient: SESv2Client | undefined;
let snsClient: SNSClient | undefined;

function localKeyOf(config: { REKINDLE_LOCAL?: 'true' | 'false' | undefined; [MESSAGING_ENV.localUnsubscribeKey]?: string | undefined }): string | undefined {
  if (config.REKINDLE_LOCAL !== 'true') return undefined;
  const key = config[MESSAGING_ENV.localUnsubscribeKey];
  if (key === undefined)
    throw new ConfigError(`invalid configuration: ${MESSAGING_ENV.localUnsubscribeKey}: the local runtime must provide the unsubscribe key`);
  return key;
}

/**
 * Builds a {@link Messenger} over DynamoDB (reservations, message log, contact history under the
 * user's partition; kill switch and bounces in the operations table), SES v2 for email and SNS for
 * SMS and push (an outbox on the local runtime, whose SNS emulator has no SMS). Not memoized: use
 * `composeMessaging().messenger` in a Lambda; tests build their own with swapped pieces.
 * Configuration is read on the first send.
 */
export function buildMessenger(options: MessengerOptions = {}): Messenger {
  const clock = options.clock ?? runtimeClock;
  const pause = options.pause ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const wire = once(() => {
    const config = options.config ?? readConfig(MessagingConfig);
    const policy = config[MESSAGING_ENV.contactPolicy];
    const localKey = localKeyOf(config);
    const client = options.dynamodb ?? dynamoDocumentClient();
    const tables = { users: config[ENV.usersTable], operations: config[ENV.operationsTable] };
    const messageLog = new DynamoMessageLog(client, tables, config[MESSAGING_ENV.messageLogRetentionDays]);
    const ses = options.ses ?? (sesClient ??= new SESv2Client({ maxAttempts: 1 }));
    const sns = options.sns ?? (snsClient ??= new SNSClient({ maxAttempts: 1 }));
    const outbox = new LocalOutboxSenders(messageLog, clock);
    const keyring = unsubscribeKeyringLoader(
      localKey !== undefined ? { kind: 'local', key: localKey } : { kind: 'secrets-manager', secretArn: config[MESSAGING_ENV.unsubscribeKeySecretArn] },
    );
    const wrap = options.wrapReservations ?? ((reservations: SendReservations) => reservations);
    return messengerOver(
      {
        profiles: new DynamoContactProfiles(client, tables.users),
        suppressions: new DynamoSuppressionList(client, tables),
        killSwitch: new DynamoKillSwitch(client, tables.operations),
        contactHistory: new DynamoContactHistory(client, tables.users, contactHistoryLookbackMs(policy.disturbance)),
        reservationsOf: (userId) => wrap(new DynamoSendReservations(client, tables.users, userId)),
        senders: {
          email: new SesEmailSender(ses, { fromAddress: config[MESSAGING_ENV.fromAddress], configurationSet: config[MESSAGING_ENV.configurationSet] }),
          sms: localKey !== undefined ? outbox.sms : new SnsSmsSender(sns),
          push: localKey !== undefined ? outbox.push : new SnsPushSender(sns),
        },
        // Provider rates are wall-clock limits, so the gates run on real time, not the business clock.
        rateGates: createChannelRateGates(policy.sendRatesPerSecond, () => Date.now(), pause),
        pause,
        messageLog,
      },
      clock,
      async () => ({
        config: policy,
        templates: messageTemplates,
        unsubscribe: { baseUrl: config[MESSAGING_ENV.unsubscribeBaseUrl], keyring: await keyring() },
        random: Math.random,
      }),
    );
  });
  // Product health's sent counter (the denominator of its message rates), once per message.
  const outcomes = once(
    () => new DynamoMessageOutcomeCounters(options.dynamodb ?? dynamoDocumentClient(), (options.config ?? readConfig(MessagingConfig))[ENV.operationsTable]),
  );
  return {
    async send(request) {
      const outcome = await wire().send(request);
      // Sends by outcome; published by the `logMetrics` middleware of the calling handler.
      countMetric(`MessagesSent.${outcome.kind}`);
      if (outcome.kind === 'sent') await outcomes().count({ kind: 'sent', factId: messageFactId.sent(outcome.messageId), at: clock.now().toISOString() });
      return outcome;
    },
  };
}

const RecordsConfig = UsersTableConfig.extend(OperationsTableConfig.shape).extend({
  [MESSAGING_ENV.messageLogRetentionDays]: z.coerce.number().int().positive(),
});
const FeedbackConfig = RecordsConfig.extend(EventsTableConfig.shape).extend({ [ENV.rawEventRetentionDays]: z.coerce.number().int().positive() });
const KeyConfig = z.object({
  [MESSAGING_ENV.unsubscribeKeySecretArn]: z.string().min(1),
  REKINDLE_LOCAL: z.enum(['true', 'false']).optional(),
  [MESSAGING_ENV.localUnsubscribeKey]: z.string().min(32).optional(),
});
const ReconcileConfig = RecordsConfig.extend(MessagingConfig.pick({ [MESSAGING_ENV.contactPolicy]: true, REKINDLE_LOCAL: true }).shape);

/**
 * How many stuck keys one index shard hands a sweep run (16 shards). Keys in doubt come only from
 * crashes inside a provider call; what is left over waits for the next run, 15 minutes later.
 */
const STUCK_SENDS_PER_SHARD = 500;

/** The message log, kill switch and suppressions: the marketer API's records. */
const records = once((): { messages: MessageQueries; killSwitch: KillSwitchStore; suppressions: SuppressionWriter } => {
  const config = readConfig(RecordsConfig);
  const client = dynamoDocumentClient();
  const tables = { users: config[ENV.usersTable], operations: config[ENV.operationsTable] };
  return {
    messages: new DynamoMessageLog(client, tables, config[MESSAGING_ENV.messageLogRetentionDays]),
    killSwitch: new DynamoKillSwitch(client, tables.operations),
    suppressions: new DynamoSuppressionList(client, tables),
  };
});

/** Suppressions, the raw-event store and provider receipts: the unsubscribe endpoint and SES feedback. */
const feedback = once((): FeedbackPorts & { rawEvents: Pick<RawEventStore, 'putAll'> } => {
  const config = readConfig(FeedbackConfig);
  const client = dynamoDocumentClient();
  const { messages, suppressions } = records();
  return {
    suppressions,
    rawEvents: new DynamoRawEventStore(client, config[ENV.eventsTable], config[ENV.rawEventRetentionDays]),
    receipts: new DynamoProviderReceipts(client, config[ENV.operationsTable]),
    userOfMessage: (messageId) => messages.userOf(messageId),
    outcomes: new DynamoMessageOutcomeCounters(client, config[ENV.operationsTable]),
  };
});

/** The unsubscribe keyring: Secrets Manager in AWS, the generated local key on the local runtime. */
const unsubscribeKeyring = once((): (() => Promise<UnsubscribeKeyring>) => {
  const config = readConfig(KeyConfig);
  const localKey = localKeyOf(config);
  return unsubscribeKeyringLoader(
    localKey !== undefined ? { kind: 'local', key: localKey } : { kind: 'secrets-manager', secretArn: config[MESSAGING_ENV.unsubscribeKeySecretArn] },
  );
});

/**
 * The reconciliation sweep's ports: the sending index, provider evidence (SES receipts; the local
 * outbox for SMS and push on the local runtime), the send path's own reservation store and the
 * contact history. No sender: the sweep never sends.
 */
const reconciliation = once((): { ports: ReconcilePorts; reservation: ContactPolicyConfig['reservation'] } => {
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

/** What messaging's handlers and other features get; each section reads its configuration on first use. */
export interface MessagingComposition {
  /** The one send path, for this process. */
  messenger: Messenger;
  clock: Clock;
  records(): ReturnType<typeof records>;
  feedback(): ReturnType<typeof feedback>;
  unsubscribeKeyring(): Promise<UnsubscribeKeyring>;
  reconciliation(): ReturnType<typeof reconciliation>;
}

/** The messaging composition, built once per process. */
export const composeMessaging = once((): MessagingComposition => ({
  messenger: buildMessenger(),
  clock: runtimeClock,
  records,
  feedback,
  unsubscribeKeyring: () => unsubscribeKeyring()(),
  reconciliation,
}));
