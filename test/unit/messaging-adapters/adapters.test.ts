import { SendEmailCommand, TooManyRequestsException, MessageRejected } from '@aws-sdk/client-sesv2';
import { describe, expect, it } from 'vitest';
import { toContactProfile } from '../../../shared/adapters/messaging/contact-profiles';
import { applySesFeedback, SesEvent } from '../../../shared/adapters/messaging/ses-feedback';
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
      timezone: 'Asia/Shanghai',
      locale: 'zh-CN',
      consents: { email: true, sms: false, push: false },
      attributes: { valueDecile: 10 },
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-01T00:00:00.000Z',
    });
    expect(profile).toMatchObject({ consents: { email: 'granted', sms: 'denied', push: 'denied' }, valueDecile: 10, highValue: false, timeZone: 'Asia/Shanghai' });
  });
});

describe('applySesFeedback', () => {
  const mail = { messageId: 'ses-1', timestamp: '2026-11-25T10:00:00.000Z', tags: { messageId: ['msg_abc'], userId: [encodeTagValue('u-1')] } };
  const world = () => {
    const added: SuppressionEntry[] = [];
    const events: unknown[] = [];
    return { added, events, deps: { suppressions: { add: async (e: SuppressionEntry) => (added.push(e), true) }, rawEvents: { putAll: async (e: readonly unknown[]) => void events.push(...e) }, userOfMessage: async () => undefined } };
  };

  it('suppresses a permanently bounced address by fingerprint only', async () => {
    const { added, deps } = world();
    const event = SesEvent.parse({ eventType: 'Bounce', mail, bounce: { bounceType: 'Permanent', bouncedRecipients: [{ emailAddress: 'Ada@Example.test' }], timestamp: mail.timestamp } });
    await applySesFeedback(event, deps);
    expect(added).toEqual([{ kind: 'hard-bounce', channel: 'email', contactPointFingerprint: contactPointFingerprint('email', 'ada@example.test'), at: mail.timestamp }]);
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
