import { describe, expect, it } from 'vitest';
import { changeKillSwitch, readKillSwitch } from '../../../../shared/application/messaging/kill-switch';
import { getMessage, listUserMessages } from '../../../../shared/application/messaging/message-queries';
import { fixedClock } from '../../../../shared/domain/common';
import type { MessageLogEntry } from '../../../../shared/domain/messaging';
import { InMemoryKillSwitch, InMemoryMessageQueries } from '../../../support/fakes/messaging-records';

const now = new Date('2025-03-10T08:00:00.000Z');

function logEntry(messageId: string, userId: string, recordedAt: string): MessageLogEntry {
  return {
    messageId,
    userId,
    channel: 'sms',
    templateId: 'test-message',
    priority: 'non-core',
    source: { kind: 'console', operator: 'ops' },
    idempotencyKey: `key-${messageId}`,
    outcome: { kind: 'sent', messageId, providerMessageId: `p-${messageId}`, channel: 'sms' },
    recordedAt,
  } as MessageLogEntry;
}

describe('the kill switch', () => {
  it('turns on with the reason, the time and who did it, and reads back', async () => {
    // Prepare
    const killSwitch = new InMemoryKillSwitch();

    // Act
    const state = await changeKillSwitch({ active: true, reason: 'DAU fell', by: 'ops@example.com' }, { killSwitch, clock: fixedClock(now) });

    // Assess
    expect(state).toEqual({ active: true, reason: 'DAU fell', since: now.toISOString(), by: 'ops@example.com' });
    expect(await readKillSwitch({ killSwitch })).toEqual(state);
    expect(killSwitch.writes).toEqual([{ state, at: now }]);
  });

  it('turns off to the bare inactive state, the reason kept out of it', async () => {
    // Prepare
    const killSwitch = new InMemoryKillSwitch();
    killSwitch.state = { active: true, reason: 'DAU fell', since: now.toISOString(), by: 'ops' };

    // Act
    const state = await changeKillSwitch({ active: false, reason: 'recovered', by: 'ops' }, { killSwitch, clock: fixedClock(now) });

    // Assess
    expect(state).toEqual({ active: false });
    expect(await readKillSwitch({ killSwitch })).toEqual({ active: false });
  });
});

describe('message queries', () => {
  it('finds one message by id with only its own entries and its outbox text', async () => {
    // Prepare
    const messages = new InMemoryMessageQueries();
    messages.entries.push(logEntry('msg_aaaaaaaaaa', 'u1', '2025-03-10T07:00:00.000Z'), logEntry('msg_bbbbbbbbbb', 'u1', '2025-03-10T07:30:00.000Z'));
    const rendered = {
      messageId: 'msg_aaaaaaaaaa',
      userId: 'u1',
      channel: 'sms' as const,
      providerMessageId: 'p1',
      to: '+86•••78',
      body: 'hi',
      sentAt: '2025-03-10T07:00:00.000Z',
    };
    messages.outbox.push(rendered);

    // Act
    const found = await getMessage('msg_aaaaaaaaaa', { messages });

    // Assess
    expect(found).toEqual({ kind: 'found', messageId: 'msg_aaaaaaaaaa', userId: 'u1', entries: [messages.entries[0]], rendered });
  });

  it('answers not-found for a message nobody was sent', async () => {
    // Prepare
    const messages = new InMemoryMessageQueries();

    // Act
    const found = await getMessage('msg_zzzzzzzzzz', { messages });

    // Assess
    expect(found).toEqual({ kind: 'not-found' });
  });

  it("lists a user's messages up to the limit", async () => {
    // Prepare
    const messages = new InMemoryMessageQueries();
    messages.entries.push(
      logEntry('msg_aaaaaaaaaa', 'u1', '2025-03-10T07:00:00.000Z'),
      logEntry('msg_bbbbbbbbbb', 'u1', '2025-03-10T07:30:00.000Z'),
      logEntry('msg_cccccccccc', 'u2', '2025-03-10T07:40:00.000Z'),
    );

    // Act
    const listed = await listUserMessages('u1', 1, { messages });

    // Assess
    expect(listed.map((entry) => entry.messageId)).toEqual(['msg_bbbbbbbbbb']);
  });
});
