import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SNSClient } from '@aws-sdk/client-sns';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Clock } from '../../domain/common';
import {
  contactHistoryLookbackMs,
  createChannelRateGates,
  SendRequest,
  sendMessage,
  type ContactPolicyConfig,
  type SendOutcome,
  type SendPorts,
  type SendReservations,
  type UnsubscribeKeyring,
} from '../../domain/messaging';
import { messageTemplates } from '../../templates';
import { ConfigError, readConfig } from '../../config/read-config';
import { ENV } from '../../config/tables';
import { dynamoDocumentClient } from '../dynamodb/client';
import { runtimeClock } from '../runtime-clock';
import { MESSAGING_ENV, MessagingConfig } from './config';
import { DynamoContactHistory } from './contact-history';
import { DynamoContactProfiles } from './contact-profiles';
import { InvalidSendRequestError } from './errors';
import { DynamoKillSwitch } from './kill-switch';
import { LocalOutboxSenders } from './local-outbox-senders';
import { DynamoMessageLog } from './message-log';
import { DynamoSendReservations } from './reservations';
import { SesEmailSender, type SesSendEmail } from './ses-email-sender';
import { SnsPushSender, SnsSmsSender, type SnsPublish } from './sns-senders';
import { DynamoSuppressionList } from './suppressions';
import { unsubscribeKeyringLoader } from './unsubscribe-keyring';

/** The one send path as other features use it: in-process, from their own Lambdas. */
export interface Messenger {
  /**
   * Validates the request, runs the contact policy and sends at most once per idempotency key.
   * Resolves to a typed outcome (sent, deferred, skipped with reason, failed-retryable,
   * failed-permanent) and records it in the message log. Throws {@link InvalidSendRequestError} for
   * a request that does not validate (nothing recorded), and lets infrastructure errors through so
   * the caller's retry runs: the reservation makes that retry safe.
   */
  send(request: SendRequest): Promise<SendOutcome>;
}

/** Everything is optional: a Lambda calls `createMessenger()`; tests swap one piece. */
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

interface Wiring {
  config: MessagingConfig;
  policy: ContactPolicyConfig;
  keyring: () => Promise<UnsubscribeKeyring>;
  base: Omit<SendPorts, 'reservations'>;
  client: DynamoDBDocumentClient;
}

/**
 * Wires the domain's {@link sendMessage} to DynamoDB (reservations, message log, contact history
 * under the user's partition; kill switch and bounces in the operations table), SES v2 for email
 * and SNS for SMS and push (an outbox on the local runtime, whose SNS emulator has no SMS).
 * Configuration is read once, on the first send, and a missing value throws naming the variable.
 */
export function createMessenger(options: MessengerOptions = {}): Messenger {
  const clock = options.clock ?? runtimeClock;
  const pause = options.pause ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  let wiring: Wiring | undefined;

  const wire = (): Wiring => {
    if (wiring) return wiring;
    const config = options.config ?? readConfig(MessagingConfig);
    const policy = config[MESSAGING_ENV.contactPolicy];
    const local = config.REKINDLE_LOCAL === 'true';
    const localKey = config[MESSAGING_ENV.localUnsubscribeKey];
    if (local && localKey === undefined) throw new ConfigError(`invalid configuration: ${MESSAGING_ENV.localUnsubscribeKey}: the local runtime must provide the unsubscribe key`);
    const client = options.dynamodb ?? dynamoDocumentClient();
    const tables = { users: config[ENV.usersTable], operations: config[ENV.operationsTable] };
    const messageLog = new DynamoMessageLog(client, tables, config[MESSAGING_ENV.messageLogRetentionDays]);
    const ses = options.ses ?? (sesClient ??= new SESv2Client({ maxAttempts: 1 }));
    const sns = options.sns ?? (snsClient ??= new SNSClient({ maxAttempts: 1 }));
    const outbox = new LocalOutboxSenders(messageLog, clock);
    wiring = {
      config,
      policy,
      client,
      keyring: unsubscribeKeyringLoader(
        local && localKey !== undefined ? { kind: 'local', key: localKey } : { kind: 'secrets-manager', secretArn: config[MESSAGING_ENV.unsubscribeKeySecretArn] },
      ),
      base: {
        profiles: new DynamoContactProfiles(client, tables.users),
        suppressions: new DynamoSuppressionList(client, tables),
        killSwitch: new DynamoKillSwitch(client, tables.operations),
        contactHistory: new DynamoContactHistory(client, tables.users, contactHistoryLookbackMs(policy.disturbance)),
        senders: {
          email: new SesEmailSender(ses, { fromAddress: config[MESSAGING_ENV.fromAddress], configurationSet: config[MESSAGING_ENV.configurationSet] }),
          sms: local ? outbox.sms : new SnsSmsSender(sns),
          push: local ? outbox.push : new SnsPushSender(sns),
        },
        // Provider rates are wall-clock limits, so the gates run on real time, not the business clock.
        rateGates: createChannelRateGates(policy.sendRatesPerSecond, () => Date.now(), pause),
        pause,
        messageLog,
      },
    };
    return wiring;
  };

  return {
    async send(input) {
      const parsed = SendRequest.safeParse(input);
      if (!parsed.success) {
        throw new InvalidSendRequestError(parsed.error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message })));
      }
      const request = parsed.data;
      const { config, policy, keyring, base, client } = wire();
      const reservations = new DynamoSendReservations(client, config[ENV.usersTable], request.userId);
      const ports: SendPorts = { ...base, reservations: options.wrapReservations ? options.wrapReservations(reservations) : reservations };
      return sendMessage(request, ports, clock, {
        config: policy,
        templates: messageTemplates,
        unsubscribe: { baseUrl: config[MESSAGING_ENV.unsubscribeBaseUrl], keyring: await keyring() },
        random: Math.random,
      });
    },
  };
}
