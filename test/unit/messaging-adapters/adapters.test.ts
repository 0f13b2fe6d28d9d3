import { SendEmailCommand, TooManyRequestsException, MessageRejected } from '@aws-sdk/client-sesv2';
import { describe, expect, it } from 'vitest';
import { toContactProfile } from '../../../shared/adapters/messaging/contact-profiles';
import type { OutboxMessage } from '../../../shared/adapters/messaging/message-log';
import { ProviderEvidenceRecords, type ProviderReceipt } from '../../../shared/adapters/messaging/provider-receipts';
import { applySesFeedback } from '../../../shared/application/messaging/apply-ses-feedback';
import { SesEvent } from '../../../shared/domain/messaging';
import { encodeTagValue, SesEmailSender } from '../../../shared/adapters/messaging/ses-email-sender';
import { keyringFromSecret } from '../../../shared/adapters/messaging/unsubscribe-keyring';
import { contactPointFingerprint, type OutgoingEmail, type SuppressionEntry } from '../../../shared/domain/messaging';

const email: OutgoingEmail = {
  messageId: 'msg_abc',
  idempotencyKey: 'k',
  tags: { messageId: 'msg_abc', templateId: 'test-message', userId: 'u.1@x' },
  to: 'ada@example.test',
  subject: 's',
  html: '<p>h</p>',
  text: 't',
  headers: [{ name: 'List-Unsubscribe-Post', value: 'List-Unsubscribe=One-Click' }],
};

describe('SesEmailSender', () => {
  it('maps SES answers to provider results without throwing for them', async () => {
    const answers = [
      () => Promise.reject(new TooManyRequestsException({ message: 'slow down', $metadata: { httpStatusCode: 429 } })),
      () => Promise.reject(new MessageRejected({ message: 'rejected ada@example.test', $metadata: { httpStatusCode: 400 } })),
      () => Promise.resolve({ MessageId: 'ses-1', $metadata: {} }),
    ];
    const sent: SendEmailCommand[] = [];
    const sender = new SesEmailSender({ send: (command) => (sent.push(command), answers.shift()!()) }, { fromAddress: 'a@b.c', configurationSet: 'cs' });
    expect(await sender.send(email)).toMatchObject({ kind: 'throttled' });
    expect(await sender.send(email)).toMatchObject({ kind: 'permanent-error' });
    expect(await sender.send(email)).toEqual({ kind: 'accepted', providerMessageId: 'ses-1' });
    expect(sent[2]!.input.EmailTags).toContainEqual({ Name: 'userId', Value: encodeTagValue('u.1@x') });
    expect(sent[2]!.input.Content?.Simple?.Headers).toEqual([{ Name: 'List-Unsubscribe-Post', Value: 'List-Unsubscribe=One-Click' }]);
  });

  it('throws a network error: the message is in doubt, not failed', async () => {
    const sender = new SesEmailSender({ send: () => Promise.reject(new Error('socket hang up')) }, { fromAddress: 'a@b.c', configurationSet: 'cs' });
    await expect(sender.send(email)).rejects.toThrow('socket hang up');
  });
});

describe('keyringFromSecret', () => {
  it('reads a plain secret and a rotated JSON secret, and refuses a short key', () => {
    expect(keyringFromSecret('x'.repeat(40)).current.id).toBe('k1');
    const rotated = keyringFromSecret(JSON.stringify({ current: { id: 'k2', secret: 'y'.repeat(40) }, previous: [{ id: 'k1', secret: 'x'.repeat(40) }] }));
    expect([rotated.current.id, rotated.previous.map((k) => k.id)]).toEqual(['k2', ['k1']]);
    expect(() => keyringFromSecret('short')).toThrow(/at least 32/);
  });
});

describe('toContactProfile', () => {
  it('reads false consent as denied and takes the value decile from scoring attributes', () => {
    const profile = toContactProfile({
      userId: 'u',
      email: 'a@b.c',
      timeZone: 'Asia/Shanghai',
      locale: 'zh-CN',
      consents: { email: true, sms: false, push: false },
      attributes: { valueDecile: 10 },
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-01T00:00:00.000Z',
    });
    expect(profile).toMatchObject({
      consents: { email: 'granted', sms: 'denied', push: 'denied' },
      valueDecile: 10,
      highValue: false,
      timeZone: 'Asia/Shanghai',
    });
  });
});

describe('applySesFeedback', () => {
  const mail = { messageId: 'ses-1', timestamp: '2026-11-25T10:00:00.000Z', tags: { messageId: ['msg_abc'], userId: [encodeTagValue('u-1')] } };
  const world = () => {
    const added: SuppressionEntry[] = [];
    const events: unknown[] = [];
    const receipts: ProviderReceipt[] = [];
    return {
      added,
      events,
      receipts,
      deps: {
        suppressions: { add: async (e: SuppressionEntry) => (added.push(e), true) },
        rawEvents: { putAll: async (e: readonly unknown[]) => void events.push(...e) },
        receipts: { record: async (r: ProviderReceipt) => void receipts.push(r) },
        userOfMessage: async () => undefined,
        outcomes: { count: async () => 'counted' as const },
      },
    };
  };

  it('records a provider receipt for every event tagged with our message id, and only those', async () => {
    // Prepare
    const { receipts, deps } = world();
    const send = SesEvent.parse({ eventType: 'Send', mail: { ...mail, timestamp: '2026-11-25T18:00:00.000+08:00' } });
    const untagged = SesEvent.parse({ eventType: 'Delivery', mail: { ...mail, tags: {} } });
    // Act
    const outcomes = [await applySesFeedback(send, deps), await applySesFeedback(untagged, deps)];
    // Assess
    expect(outcomes.map((outcome) => outcome.kind)).toEqual(['receipt-recorded', 'ignored']);
    expect(receipts).toEqual([{ messageId: 'msg_abc', providerMessageId: 'ses-1', acceptedAt: '2026-11-25T10:00:00.000Z', lastEventType: 'Send' }]);
  });

  it('suppresses a permanently bounced address by fingerprint only', async () => {
    const { added, deps } = world();
    const event = SesEvent.parse({
      eventType: 'Bounce',
      mail,
      bounce: { bounceType: 'Permanent', bouncedRecipients: [{ emailAddress: 'Ada@Example.test' }], timestamp: mail.timestamp },
    });
    await applySesFeedback(event, deps);
    expect(added).toEqual([
      { kind: 'hard-bounce', channel: 'email', contactPointFingerprint: contactPointFingerprint('email', 'ada@example.test'), at: mail.timestamp },
    ]);
    expect(JSON.stringify(added)).not.toContain('example');
  });

  it('turns a click into one message_click event with a derived id', async () => {
    const { events, deps } = world();
    const click = SesEvent.parse({ eventType: 'Click', mail, click: { timestamp: '2026-11-25T10:05:00.000Z', link: 'https://x' } });
    await applySesFeedback(click, deps);
    await applySesFeedback(click, deps);
    expect(events).toHaveLength(2);
    expect(events[0]).toEqual(events[1]);
    expect(events[0]).toMatchObject({ type: 'message_click', userId: 'u-1', messageId: 'msg_abc' });
  });
});

describe('ProviderEvidenceRecords', () => {
  const receipt: ProviderReceipt = { messageId: 'msg_a', providerMessageId: 'ses-1', acceptedAt: '2026-11-25T10:00:00.000Z', lastEventType: 'Send' };
  const outboxItem: OutboxMessage = {
    messageId: 'msg_b',
    userId: 'u',
    channel: 'sms',
    providerMessageId: 'local-sms-1',
    to: '+*****5678',
    body: 'hi',
    sentAt: '2026-11-25T10:00:01.000Z',
  };
  const receipts = { find: async (id: string) => (id === receipt.messageId ? receipt : undefined) };
  const outbox = { findOutbox: async (_userId: string, id: string) => (id === outboxItem.messageId ? outboxItem : undefined) };

  it('reads SES receipts for any channel, the local outbox for SMS and push, and admits no source for SNS in AWS', async () => {
    // Prepare
    const local = new ProviderEvidenceRecords(receipts, outbox);
    const aws = new ProviderEvidenceRecords(receipts, undefined);
    // Act
    const answers = await Promise.all([
      aws.lookup({ userId: 'u', messageId: 'msg_a', channel: 'email' }),
      aws.lookup({ userId: 'u', messageId: 'msg_x', channel: 'email' }),
      local.lookup({ userId: 'u', messageId: 'msg_b', channel: 'sms' }),
      local.lookup({ userId: 'u', messageId: 'msg_x', channel: 'push' }),
      aws.lookup({ userId: 'u', messageId: 'msg_x', channel: 'sms' }),
      aws.lookup({ userId: 'u', messageId: 'msg_x', channel: undefined }),
    ]);
    // Assess
    expect(answers).toEqual([
      { kind: 'found', providerMessageId: 'ses-1', at: '2026-11-25T10:00:00.000Z' },
      { kind: 'not-found' },
      { kind: 'found', providerMessageId: 'local-sms-1', at: '2026-11-25T10:00:01.000Z' },
      { kind: 'not-found' },
      { kind: 'no-source' },
      { kind: 'no-source' },
    ]);
  });
});
