import type { BehaviourEvent } from '../../domain/events/behaviour-event';
import { contactPointFingerprint, decodeTagValue, messageFactId, type FeedbackOutcome, type FeedbackPorts, type SesEvent } from '../../domain/messaging';

const first = (values: Record<string, string[]>, name: string) => values[name]?.[0];

/**
 * Applies one SES event. Any event tagged with our message id first records a provider receipt:
 * SES only publishes events for messages it accepted, so the receipt is what lets the
 * reconciliation sweep mark an in-doubt send `sent` instead of releasing it for a resend.
 * Then: a permanent bounce suppresses each bounced address (by fingerprint, for
 * every user that has it); a complaint stops all marketing to the user; opens and clicks become
 * `message_open` / `message_click` behaviour events in the raw-event store, which aggregates them
 * like any other event. Transient bounces and delivery events change nothing else. Permanent
 * bounces and complaints are also counted for product health's rates, once per message (SNS
 * delivers at least once), in the quarter-hour they happened.
 */
export async function applySesFeedback(event: SesEvent, deps: FeedbackPorts): Promise<FeedbackOutcome> {
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
      await deps.outcomes.count({ kind: 'bounce', factId: messageFactId.bounce(event.mail.messageId), at });
      const added = await Promise.all(
        event.bounce.bouncedRecipients.map((recipient) =>
          deps.suppressions.add({
            kind: 'hard-bounce',
            channel: 'email',
            contactPointFingerprint: contactPointFingerprint('email', recipient.emailAddress),
            at,
          }),
        ),
      );
      return { kind: 'address-suppressed', newly: added.filter(Boolean).length };
    }
    case 'Complaint': {
      await deps.outcomes.count({
        kind: 'complaint',
        factId: messageFactId.complaint(event.mail.messageId),
        at: new Date(event.complaint.timestamp).toISOString(),
      });
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
