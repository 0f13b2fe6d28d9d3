import { z } from 'zod';
import { Channel, Locale, Priority } from './channel';
import type { ContactProfile } from './contact-profile';
import type { ContactRecord } from './contact-record';
import { Decision } from './decision';
import type { KillSwitchState } from './kill-switch';
import type { MailHeader } from './list-unsubscribe';
import type { MessageOutcomeRecorder } from './message-outcomes';
import type { RateGate } from './rate-limiter';
import type { ReservationState } from './reservation';
import { SendOutcome } from './send-outcome';
import type { RawEventStore } from '../events/ports';
import type { OutboxMessage, ProviderReceipt } from './provider-feedback';
import { SendSource, type SendRequest } from './send-request';
import type { SuppressionEntry } from './suppression';

/** Reads the contact side of a user's profile. */
export interface ContactProfiles {
  findContactProfile(userId: string): Promise<ContactProfile | undefined>;
}

/** The suppression list: bounces, complaints, unsubscribes, sunsets. */
export interface SuppressionList {
  /** Entries for the user, and hard bounces of the given contact point. */
  listFor(query: { userId: string; channel: Channel; contactPointFingerprint: string }): Promise<readonly SuppressionEntry[]>;
}

export interface KillSwitchReader {
  read(): Promise<KillSwitchState>;
}

/** Messages that left for each user: what the disturbance index is computed from. */
export interface ContactHistory {
  listSince(userId: string, since: Date): Promise<readonly ContactRecord[]>;
  append(userId: string, contact: ContactRecord): Promise<void>;
}

export type ReserveResult = { kind: 'reserved' } | { kind: 'already'; state: ReservationState };

/**
 * Idempotency keys and their state (see {@link ReservationState}). Both writes are conditional
 * and atomic; that is the whole guarantee against duplicates, so an adapter that cannot make
 * them atomic must not implement this port.
 */
export interface SendReservations {
  find(idempotencyKey: string): Promise<ReservationState | undefined>;
  /** Stores `claim` only when {@link isReservable} holds for the stored state at `now`; else returns it. */
  reserve(idempotencyKey: string, claim: Extract<ReservationState, { status: 'reserved' }>, now: Date): Promise<ReserveResult>;
  /** Replaces the state only if it still has `expected` status and attempt id. */
  transition(idempotencyKey: string, expected: { status: 'reserved' | 'sending'; attemptId: string }, next: ReservationState): Promise<'ok' | 'conflict'>;
}

/**
 * What a provider said. Adapters map every provider answer to one of these and must not throw
 * for them: a throw after the provider call started leaves the message in doubt. `throttled` and
 * `retryable-error` must only be returned when the provider provably did not accept the message.
 */
export type ProviderSendResult =
  | { kind: 'accepted'; providerMessageId: string }
  | { kind: 'throttled'; detail: string }
  | { kind: 'retryable-error'; detail: string }
  | { kind: 'permanent-error'; detail: string };

interface OutgoingBase {
  messageId: string;
  /** Passed on so an adapter can use provider-side deduplication where one exists. */
  idempotencyKey: string;
  /** Provider tags (SES EmailTags, SNS message attributes): lets feedback events find the message. */
  tags: { messageId: string; templateId: string; userId: string };
}
export interface OutgoingEmail extends OutgoingBase {
  to: string;
  subject: string;
  html: string;
  text: string;
  headers: MailHeader[];
}
export interface OutgoingSms extends OutgoingBase {
  to: string;
  text: string;
  /** SNS `AWS.SNS.SMS.SMSType`: carriers route the two differently. */
  smsType: 'Transactional' | 'Promotional';
}
export interface OutgoingPush extends OutgoingBase {
  endpoint: string;
  title: string;
  body: string;
}

export interface EmailSender {
  send(email: OutgoingEmail): Promise<ProviderSendResult>;
}
export interface SmsSender {
  send(sms: OutgoingSms): Promise<ProviderSendResult>;
}
export interface PushSender {
  send(push: OutgoingPush): Promise<ProviderSendResult>;
}

/** One line of the message log: a send request, the decision and the outcome. */
export const MessageLogEntry = z.object({
  messageId: z.string(),
  userId: z.string(),
  channel: Channel,
  templateId: z.string(),
  priority: Priority,
  source: SendSource,
  idempotencyKey: z.string(),
  locale: Locale.optional(),
  /** Masked, never in clear. */
  contactPoint: z.string().optional(),
  /** Absent when the policy could not run (unknown user or template). */
  decision: Decision.optional(),
  outcome: SendOutcome,
  recordedAt: z.iso.datetime(),
});
export type MessageLogEntry = z.infer<typeof MessageLogEntry>;

export interface MessageLog {
  record(entry: MessageLogEntry): Promise<void>;
}

/** Every effect the send path has. */
export interface SendPorts {
  profiles: ContactProfiles;
  suppressions: SuppressionList;
  killSwitch: KillSwitchReader;
  contactHistory: ContactHistory;
  reservations: SendReservations;
  senders: { email: EmailSender; sms: SmsSender; push: PushSender };
  /** One gate per channel: SES and SNS have separate rates. */
  rateGates: Record<Channel, RateGate>;
  /** Waits between throttled attempts; tests move a clock instead of sleeping. */
  pause(ms: number): Promise<void>;
  messageLog: MessageLog;
}

/** Adds suppressions; `false` when the entry was there already (its first time is kept). */
export interface SuppressionWriter {
  add(entry: SuppressionEntry): Promise<boolean>;
}

/** The kill switch as the operator API changes it. */
export interface KillSwitchStore extends KillSwitchReader {
  write(state: KillSwitchState, at: Date): Promise<void>;
}

/** Reading the message log back: per user, and one message by id. */
export interface MessageQueries {
  listForUser(userId: string, limit: number): Promise<MessageLogEntry[]>;
  /** The user a message was sent to, from its id alone. */
  userOf(messageId: string): Promise<string | undefined>;
  /** What the local outbox kept of an SMS or push message (local runtime only). */
  findOutbox(userId: string, messageId: string): Promise<OutboxMessage | undefined>;
}

/** The effects of applying provider feedback. */
export interface FeedbackPorts {
  suppressions: SuppressionWriter;
  rawEvents: Pick<RawEventStore, 'putAll'>;
  /** Proof that SES took a message: what the reconciliation sweep settles an in-doubt send from. */
  receipts: { record(receipt: ProviderReceipt): Promise<void> };
  /** Finds the user of a message when the event carries no user tag (mail sent before tags). */
  userOfMessage(messageId: string): Promise<string | undefined>;
  /** Product health's complaint and bounce counters, once per fact. */
  outcomes: MessageOutcomeRecorder;
}

/**
 * The one send path as every feature calls it (journeys, loyalty, the test-message API): built by
 * `composeMessaging()` in shared/composition/messaging.ts.
 */
export interface Messenger {
  /**
   * Validates the request, runs the contact policy and sends at most once per idempotency key.
   * Resolves to a typed outcome (sent, deferred, skipped with reason, failed-retryable,
   * failed-permanent) and records it in the message log. Throws `InvalidSendRequestError` for a
   * request that does not validate (nothing recorded), and lets infrastructure errors through so
   * the caller's retry runs: the reservation makes that retry safe.
   */
  send(request: SendRequest): Promise<SendOutcome>;
}
