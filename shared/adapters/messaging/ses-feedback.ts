import { z } from 'zod';
import type { RawEventStore } from '../../domain/events/ports';
import type { BehaviourEvent } from '../../domain/events/behaviour-event';
import { contactPointFingerprint, type SuppressionEntry } from '../../domain/messaging';
import type { ProviderReceipt } from './provider-receipts';
import { decodeTagValue } from './ses-email-sender';

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

export interface FeedbackDependencies {
  suppressions: { add(entry: SuppressionEntry): Promise<boolean> };
  rawEvents: Pick<RawEventStore, 'putAll'>;
  /** Proof that SES took a message: what the reconciliation sweep settles an in-doubt send from. */
  receipts: { record(receipt: ProviderReceipt): Promise<void> };
  /** Finds the user of a message when the event carries no user tag (mail sent before tags). */
  userOfMessage(messageId: string): Promise<string | undefined>;
}

const first = (values: Record<string, string[]>, name: string) => values[name]?.[0];

/**
 * Applies one SES event. Any event tagged with our message id first records a provider receipt:
 * SES only publishes events for messages it accepted, so the receipt is what lets the
 * reconciliation sweep mark an in-doubt send `sent` instead of releasing it for a resend.
 * Then: a permanent bounce suppresses each bounced address (by fingerprint, for
 * every user that has it); a complaint stops all marketing to the user; opens and clicks become
 * `message_open` / `message_click` behaviour events in the raw-event store, which aggregates them
 * like any other event. Transient bounces and delivery events change nothing else.
 */
export async function applySesFeedback(event: SesEvent, deps: FeedbackDependencies): Promise<FeedbackOutcome> {
  const messageId = first(event.mail.tags, 'messageId');
  const taggedUser = first(event.mail.tags, 'userId');
  const userId = taggedUser !== undefined ? decodeTagValue(taggedUser) : messageId !== undefined ? await deps.userOfMessage(messageId) : undefined;
  if (messageId !== undefined) {
    await deps.receipts.record({
      messageId,
      providerMessageId: event.mail.messageId,
      acceptedAt: new Date(event.mail.timestamp).toISOString(),
      lastEventType: event.eventType,
    });
  }
  switch (event.eventType) {
    case 'Bounce': {
      if (event.bounce.bounceType !== 'Permanent') return { kind: 'ignored', why: `${event.bounce.bounceType.toLowerCase()} bounce` };
      const at = new Date(event.bounce.timestamp).toISOString();
      const added = await Promise.all(
        event.bounce.bouncedRecipients.map((recipient) =>
          deps.suppressions.add({ kind: 'hard-bounce', channel: 'email', contactPointFingerprint: contactPointFingerprint('email', recipient.emailAddress), at }),
        ),
      );
      return { kind: 'address-suppressed', newly: added.filter(Boolean).length };
    }
    case 'Complaint': {
      if (userId === undefined) return { kind: 'ignored', why: 'complaint for a message of unknown user' };
      const newly = await deps.suppressions.add({ kind: 'complaint', userId, at: new Date(event.complaint.timestamp).toISOString() });
      return { kind: 'marketing-stopped', userId, newly };
    }
    case 'Open':
    case 'Click': {
      if (userId === undefined || messageId === undefined) return { kind: 'ignored', why: `${event.eventType.toLowerCase()} without message tags` };
      const type = event.eventType === 'Open' ? 'message_open' : 'message_click';
      const timestamp = new Date(event.eventType === 'Open' ? event.open.timestamp : event.click.timestamp).toISOString();
      // Derived id: SNS delivers at least once, and a redelivery must not count twice.
      const behaviour: BehaviourEvent = { eventId: `ses-${type}-${messageId}-${Date.parse(timestamp)}`.slice(0, 128), userId, type, messageId, timestamp };
      await deps.rawEvents.putAll([behaviour]);
      return { kind: 'event-recorded', type };
    }
    default:
      return messageId !== undefined ? { kind: 'receipt-recorded' } : { kind: 'ignored', why: `${event.eventType} event without a message tag` };
  }
}
