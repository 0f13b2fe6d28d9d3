import { describe, expect, it } from 'vitest';
import { applySesFeedback } from '../../../../shared/application/messaging/apply-ses-feedback';
import { previewUnsubscribe, unsubscribeWithToken } from '../../../../shared/application/messaging/unsubscribe';
import { fixedClock } from '../../../../shared/domain/common';
import { contactPointFingerprint, createUnsubscribeKeyring, encodeTagValue, signUnsubscribeToken, SesEvent } from '../../../../shared/domain/messaging';
import { InMemoryMessageOutcomes, InMemoryProviderReceipts, InMemoryRawEvents, InMemorySuppressions } from '../../../support/fakes/messaging-records';

const now = new Date('2025-03-10T08:00:00.000Z');
const clock = fixedClock(now);
const keyring = createUnsubscribeKeyring({ id: 'k1', secret: new Uint8Array(32).fill(7) });
const token = signUnsubscribeToken({ userId: 'u1', channel: 'email', expiresAt: new Date('2025-06-01T00:00:00.000Z') }, keyring);

describe('one-click unsubscribe', () => {
  it('suppresses the channel and records one unsubscribe event, however often it is clicked', async () => {
    // Prepare
    const suppressions = new InMemorySuppressions();
    const rawEvents = new InMemoryRawEvents();
    const outcomes = new InMemoryMessageOutcomes();
    const ports = { keyring, suppressions, rawEvents, outcomes, clock };

    // Act
    const first = await unsubscribeWithToken(token, ports);
    const again = await unsubscribeWithToken(token, ports);

    // Assess
    expect(first).toEqual({ kind: 'unsubscribed', userId: 'u1', channel: 'email', alreadyUnsubscribed: false });
    expect(again).toEqual({ kind: 'unsubscribed', userId: 'u1', channel: 'email', alreadyUnsubscribed: true });
    expect(suppressions.entries).toEqual([{ kind: 'unsubscribe', userId: 'u1', channel: 'email', at: now.toISOString() }]);
    expect(rawEvents.events.map((event) => event.type)).toEqual(['unsubscribe']);
    expect(outcomes.facts).toEqual([{ kind: 'unsubscribe', factId: 'unsubscribe#u1#email', at: now.toISOString() }]);
  });

  it('refuses a tampered token and writes nothing', async () => {
    // Prepare
    const suppressions = new InMemorySuppressions();
    const rawEvents = new InMemoryRawEvents();
    const tampered = `${token.slice(0, -2)}xx`;

    // Act
    const outcome = await unsubscribeWithToken(tampered, { keyring, suppressions, rawEvents, outcomes: new InMemoryMessageOutcomes(), clock });

    // Assess
    expect(outcome.kind).toBe('refused');
    expect(suppressions.entries).toEqual([]);
    expect(rawEvents.events).toEqual([]);
  });

  it('previews a valid token as its channel, without acting', () => {
    // Act
    const preview = previewUnsubscribe(token, keyring, clock);

    // Assess
    expect(preview).toEqual({ kind: 'valid', channel: 'email' });
  });
});

describe('SES feedback', () => {
  const mail = { messageId: 'ses-1', timestamp: '2025-03-10T07:59:00.000Z', tags: { messageId: ['msg_1'], userId: [encodeTagValue('u1')] } };

  it('suppresses a permanently bounced address and records the receipt', async () => {
    // Prepare
    const ports = {
      suppressions: new InMemorySuppressions(),
      rawEvents: new InMemoryRawEvents(),
      receipts: new InMemoryProviderReceipts(),
      outcomes: new InMemoryMessageOutcomes(),
      userOfMessage: async () => undefined,
    };
    const event = SesEvent.parse({
      eventType: 'Bounce',
      mail,
      bounce: { bounceType: 'Permanent', bouncedRecipients: [{ emailAddress: 'gone@example.com' }], timestamp: now.toISOString() },
    });

    // Act
    const outcome = await applySesFeedback(event, ports);

    // Assess
    expect(outcome).toEqual({ kind: 'address-suppressed', newly: 1 });
    expect(ports.suppressions.entries).toEqual([
      { kind: 'hard-bounce', channel: 'email', contactPointFingerprint: contactPointFingerprint('email', 'gone@example.com'), at: now.toISOString() },
    ]);
    expect(ports.receipts.receipts.get('msg_1')).toMatchObject({ providerMessageId: 'ses-1', lastEventType: 'Bounce' });
  });

  it('counts a permanent bounce and a complaint once each for the health rates, redeliveries included, and a transient bounce not at all', async () => {
    // Prepare
    const outcomes = new InMemoryMessageOutcomes();
    const ports = {
      suppressions: new InMemorySuppressions(),
      rawEvents: new InMemoryRawEvents(),
      receipts: new InMemoryProviderReceipts(),
      outcomes,
      userOfMessage: async () => undefined,
    };
    const bounce = SesEvent.parse({
      eventType: 'Bounce',
      mail,
      bounce: { bounceType: 'Permanent', bouncedRecipients: [{ emailAddress: 'gone@example.com' }], timestamp: '2025-03-10T07:59:30.000Z' },
    });
    const transient = SesEvent.parse({
      eventType: 'Bounce',
      mail: { ...mail, messageId: 'ses-2' },
      bounce: { bounceType: 'Transient', bouncedRecipients: [{ emailAddress: 'full@example.com' }], timestamp: now.toISOString() },
    });
    const complaint = SesEvent.parse({ eventType: 'Complaint', mail: { ...mail, messageId: 'ses-3' }, complaint: { timestamp: now.toISOString() } });

    // Act
    for (const event of [bounce, bounce, transient, complaint, complaint]) await applySesFeedback(event, ports);

    // Assess
    expect(outcomes.facts).toEqual([
      { kind: 'bounce', factId: 'bounce#ses-1', at: '2025-03-10T07:59:30.000Z' },
      { kind: 'complaint', factId: 'complaint#ses-3', at: now.toISOString() },
    ]);
  });

  it('turns an open into one message_open event, a redelivery included', async () => {
    // Prepare
    const ports = {
      suppressions: new InMemorySuppressions(),
      rawEvents: new InMemoryRawEvents(),
      receipts: new InMemoryProviderReceipts(),
      outcomes: new InMemoryMessageOutcomes(),
      userOfMessage: async () => undefined,
    };
    const event = SesEvent.parse({ eventType: 'Open', mail, open: { timestamp: now.toISOString() } });

    // Act
    await applySesFeedback(event, ports);
    const outcome = await applySesFeedback(event, ports);

    // Assess
    expect(outcome).toEqual({ kind: 'event-recorded', type: 'message_open' });
    expect(ports.rawEvents.events).toHaveLength(1);
    expect(ports.rawEvents.events[0]).toMatchObject({ userId: 'u1', type: 'message_open', messageId: 'msg_1' });
  });

  it('stops marketing on a complaint, finding the user from the message when the tag is missing', async () => {
    // Prepare
    const ports = {
      suppressions: new InMemorySuppressions(),
      rawEvents: new InMemoryRawEvents(),
      receipts: new InMemoryProviderReceipts(),
      outcomes: new InMemoryMessageOutcomes(),
      userOfMessage: async (id: string) => (id === 'msg_1' ? 'u7' : undefined),
    };
    const event = SesEvent.parse({ eventType: 'Complaint', mail: { ...mail, tags: { messageId: ['msg_1'] } }, complaint: { timestamp: now.toISOString() } });

    // Act
    const outcome = await applySesFeedback(event, ports);

    // Assess
    expect(outcome).toEqual({ kind: 'marketing-stopped', userId: 'u7', newly: true });
    expect(ports.suppressions.entries).toEqual([{ kind: 'complaint', userId: 'u7', at: now.toISOString() }]);
  });
});
