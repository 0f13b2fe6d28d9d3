import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { journeyKeys } from '../../../shared/adapters/journeys/journey-keys';
import type { ExecutionRecord } from '../../../infra/local/step-functions/execution-store';
import type { MessageLogEntry } from '../../../shared/domain/messaging';
import { isInHoldout, journeyExecutionName } from '../../../shared/domain/journeys';
import { call } from '../../support/test-runtime';
import {
  advanceDays,
  documents,
  journeyItems,
  machineArn,
  marketer,
  operationsTable,
  profiles,
  runtime,
  useRecallRuntime,
  usersTable,
} from './recall-fixtures';

useRecallRuntime();

/** Users the journey treats (not in its holdout), with a profile reachable by email and push. */
async function treatedUsers(journeyId: string, prefix: string, count: number): Promise<string[]> {
  const userIds: string[] = [];
  for (let i = 0; userIds.length < count; i++) if (!isInHoldout(journeyId, `${prefix}-${i}`, 0.1)) userIds.push(`${prefix}-${i}`);
  const now = runtime.clock.now().toISOString();
  await profiles.putProfiles(
    userIds.map((userId) => ({
      userId,
      email: `${userId}@example.test`,
      pushToken: `token-${userId}`,
      timezone: 'UTC',
      locale: 'en' as const,
      consents: { email: true, sms: false, push: true },
      attributes: { firstName: 'Ada' },
      createdAt: now,
      updatedAt: now,
    })),
  );
  return userIds;
}

let eventNumber = 0;
/** Sends one behaviour event through the ingest API, at the clock's time, and lets the streams and executions run. */
async function sendEvent(userId: string, type: 'session' | 'purchase' | 'feature_use', fields: Record<string, unknown> = {}): Promise<void> {
  eventNumber += 1;
  const event = { eventId: `lc-${eventNumber}`, userId, type, timestamp: runtime.clock.now().toISOString(), ...fields };
  const answer = await call(runtime, 'POST', '/v1/events', { body: { events: [event] } });
  expect(answer.status).toBe(202);
  await runtime.settle();
}

const purchase = (orderId: string) => ({ orderId, amount: 30, currency: 'USD' });

/** Templates sent to the user by the journey, oldest first (email and push of a step each count). */
async function sentTemplates(userId: string, journeyId: string): Promise<string[]> {
  const answer = await call(runtime, 'GET', `/v1/users/${userId}/messages`);
  expect(answer.status).toBe(200);
  return (answer.body.messages as MessageLogEntry[])
    .filter((entry) => entry.source.kind === 'journey' && entry.source.journeyId === journeyId && entry.outcome.kind === 'sent')
    .reverse()
    .map((entry) => `${entry.channel}:${entry.templateId}`);
}

async function executionsNamed(name: string): Promise<ExecutionRecord[]> {
  return (await runtime.stepFunctions!.listExecutions(machineArn)).filter((execution) => execution.name === name);
}

describe('lifecycle journeys on the clock', () => {
  it('enters on the first purchase only, branches on a session since entry, and leaves at a second purchase', async () => {
    // Prepare: a second-purchase journey: at once a thank-you, two days later a branch on whether
    // the user came back for a session, a last send three days after that; a purchase exits.
    const journeyId = 'lc-first-purchase';
    const launched = await call(runtime, 'POST', '/v1/journeys', {
      ...marketer,
      body: {
        definition: {
          id: journeyId,
          name: 'First purchase follow-up',
          entry: { kind: 'event', event: { type: 'purchase' }, first: true },
          steps: [
            { kind: 'send', channels: ['email'], templateId: 'lifecycle-second-purchase' },
            { kind: 'wait', days: 2 },
            {
              kind: 'branch',
              if: { kind: 'event-since-entry', event: { type: 'session' } },
              then: [
                { kind: 'send', channels: ['push'], templateId: 'lifecycle-welcome-tips' },
                { kind: 'wait', days: 3 },
                { kind: 'send', channels: ['email'], templateId: 'lifecycle-welcome' },
              ],
              else: [{ kind: 'send', channels: ['email'], templateId: 'lifecycle-welcome-tips' }],
            },
          ],
          exitWhen: { kind: 'event', event: { type: 'purchase' } },
          maxDurationDays: 10,
        },
      },
    });
    expect(launched.status).toBe(202);
    expect(launched.body.status).toBe('running');
    const [returning, quiet] = await treatedUsers(journeyId, 'lc-buyer', 2);

    // Act: both buy for the first time; the returning one has a session the next day and buys again on day 3.
    await sendEvent(returning!, 'purchase', purchase('o-1'));
    await sendEvent(quiet!, 'purchase', purchase('o-2'));
    await advanceDays(1);
    await sendEvent(returning!, 'session');
    await advanceDays(2);
    await sendEvent(returning!, 'purchase', purchase('o-3'));
    await advanceDays(4);

    // Assess: one execution each (the second purchase is no first: it entered nobody); the branch
    // went each way; the returning user left at the second purchase before the last send.
    expect(await executionsNamed(journeyExecutionName(journeyId, returning!))).toHaveLength(1);
    expect(await executionsNamed(journeyExecutionName(journeyId, returning!, 2))).toHaveLength(0);
    expect(await sentTemplates(returning!, journeyId)).toEqual(['email:lifecycle-second-purchase', 'push:lifecycle-welcome-tips']);
    expect(await sentTemplates(quiet!, journeyId)).toEqual(['email:lifecycle-second-purchase', 'email:lifecycle-welcome-tips']);
    const returningItems = await journeyItems(returning!, journeyId);
    expect(returningItems).toContainEqual(expect.objectContaining({ kind: 'branch', side: 'then', condition: 'event-since-entry' }));
    expect(returningItems).toContainEqual(expect.objectContaining({ sk: journeyKeys.exitSk(journeyId), reason: 'exit-event' }));
    expect(await journeyItems(quiet!, journeyId)).toContainEqual(expect.objectContaining({ kind: 'branch', side: 'else' }));
    const report = await call(runtime, 'GET', `/v1/journeys/${journeyId}/report`);
    expect(report.body.entries).toMatchObject({ entered: { total: 2, unique: 2 }, exitedEarly: { 'exit-event': { total: 1, unique: 1 } } });
    expect((report.body.entries as { steps: unknown[] }).steps).toContainEqual(expect.objectContaining({ kind: 'branch', sides: { then: 1, else: 1 } }));
    expect((await executionsNamed(journeyExecutionName(journeyId, quiet!)))[0]?.status).toBe('SUCCEEDED');
  });

  it('refuses a re-entry inside the cooldown, counting it, and accepts one after it as entry 2', async () => {
    // Prepare: a journey every session enters, one send, again only 5 days after leaving.
    const journeyId = 'lc-cooldown';
    const launched = await call(runtime, 'POST', '/v1/journeys', {
      ...marketer,
      body: {
        definition: {
          id: journeyId,
          name: 'Session nudge with a cooldown',
          entry: { kind: 'event', event: { type: 'session' } },
          reentry: { kind: 'after-cooldown', days: 5 },
          steps: [{ kind: 'send', channels: ['email'], templateId: 'lifecycle-welcome' }],
          exitWhen: { kind: 'event', event: { type: 'purchase' } },
          maxDurationDays: 3,
        },
      },
    });
    expect(launched.status).toBe(202);
    const [userId] = await treatedUsers(journeyId, 'lc-sessions', 1);

    // Act: a session (entry 1, which sends and ends), another two days later (inside the cooldown), a third six days after the first.
    await sendEvent(userId!, 'session');
    await advanceDays(2);
    await sendEvent(userId!, 'session');
    const afterRefusal = await documents.send(
      new GetCommand({ TableName: usersTable, Key: { pk: `USER#${userId}`, sk: journeyKeys.enrollmentSk(journeyId) }, ConsistentRead: true }),
    );
    await advanceDays(4);
    await sendEvent(userId!, 'session');

    // Assess: two executions, entry 1 and entry 2, each sent once; the refusal was counted, not an error.
    expect(afterRefusal.Item).toMatchObject({ entries: 1, refusedEntries: 1 });
    expect(await executionsNamed(journeyExecutionName(journeyId, userId!))).toHaveLength(1);
    expect(await executionsNamed(journeyExecutionName(journeyId, userId!, 2))).toHaveLength(1);
    expect(await sentTemplates(userId!, journeyId)).toEqual(['email:lifecycle-welcome', 'email:lifecycle-welcome']);
    const enrollment = await documents.send(
      new GetCommand({ TableName: usersTable, Key: { pk: `USER#${userId}`, sk: journeyKeys.enrollmentSk(journeyId) }, ConsistentRead: true }),
    );
    expect(enrollment.Item).toMatchObject({ entries: 2, lastExitEntry: 2, refusedEntries: 1 });
    const refused = await documents.send(
      new GetCommand({ TableName: operationsTable, Key: { pk: journeyKeys.launchPk(journeyId), sk: journeyKeys.refusedSk }, ConsistentRead: true }),
    );
    expect(refused.Item).toMatchObject({ cooldown: 1 });
    const report = await call(runtime, 'GET', `/v1/journeys/${journeyId}/report`);
    expect(report.status).toBe(200);
    expect(report.body.entries).toMatchObject({
      entered: { total: 2, unique: 1 },
      refused: { cooldown: 1 },
      steps: [{ stepIndex: 0, kind: 'send', templateId: 'lifecycle-welcome', reached: { total: 2, unique: 1 }, sent: { total: 2, unique: 1 } }],
    });
    expect(runtime.streamFailures).toEqual([]);
  });
});
