import { z } from 'zod';
import { Channel } from './channel';

/**
 * What providers tell us back about our messages: the SES configuration-set events, the receipts
 * that prove a provider took a message, and the tag encoding that carries our ids through SES.
 */

/** SES tag values allow only a small alphabet: ids travel base64url-encoded. */
export function encodeTagValue(value: string): string {
  return Buffer.from(value, 'utf8').toString('base64url');
}
export function decodeTagValue(value: string): string {
  return Buffer.from(value, 'base64url').toString('utf8');
}

const tags = z.record(z.string(), z.array(z.string())).default({});
const mail = z.object({ messageId: z.string().min(1), timestamp: z.iso.datetime({ offset: true }), tags });

/**
 * An SES configuration-set event as its SNS destination publishes it (the `Message` of the SNS
 * notification). Only the fields Rekindle acts on are read; the rest is ignored.
 */
export const SesEvent = z.discriminatedUnion('eventType', [
  z.object({
    eventType: z.literal('Bounce'),
    mail,
    bounce: z.object({
      bounceType: z.enum(['Permanent', 'Transient', 'Undetermined']),
      bouncedRecipients: z.array(z.object({ emailAddress: z.string().min(3) })),
      timestamp: z.iso.datetime({ offset: true }),
    }),
  }),
  z.object({
    eventType: z.literal('Complaint'),
    mail,
    complaint: z.object({ timestamp: z.iso.datetime({ offset: true }) }),
  }),
  z.object({ eventType: z.literal('Open'), mail, open: z.object({ timestamp: z.iso.datetime({ offset: true }) }) }),
  z.object({ eventType: z.literal('Click'), mail, click: z.object({ timestamp: z.iso.datetime({ offset: true }) }) }),
  z.object({ eventType: z.enum(['Send', 'Delivery', 'Reject', 'DeliveryDelay', 'Rendering Failure', 'Subscription']), mail }),
]);
export type SesEvent = z.infer<typeof SesEvent>;

/** What one SES event did. */
export type FeedbackOutcome =
  | { kind: 'address-suppressed'; newly: number }
  | { kind: 'marketing-stopped'; userId: string; newly: boolean }
  | { kind: 'event-recorded'; type: 'message_open' | 'message_click' }
  /** Nothing to act on but the proof that SES took the message (Send, Delivery, …). */
  | { kind: 'receipt-recorded' }
  | { kind: 'ignored'; why: string };

/** The provider published an event for one of our messages: it took the message. */
export const ProviderReceipt = z.object({
  messageId: z.string().min(1),
  providerMessageId: z.string().min(1),
  /** When the provider took the message (SES: the `mail.timestamp` every event of it carries). */
  acceptedAt: z.iso.datetime(),
  /** The event that last confirmed it (Send, Delivery, Bounce, …), for whoever reads the item. */
  lastEventType: z.string().min(1),
});
export type ProviderReceipt = z.infer<typeof ProviderReceipt>;

/** What the local outbox keeps of an SMS or push message: the rendered text, the address masked. */
export const OutboxMessage = z.object({
  messageId: z.string(),
  userId: z.string(),
  channel: Channel,
  providerMessageId: z.string(),
  /** Masked, never in clear. */
  to: z.string(),
  title: z.string().optional(),
  body: z.string(),
  sentAt: z.iso.datetime(),
});
export type OutboxMessage = z.infer<typeof OutboxMessage>;
