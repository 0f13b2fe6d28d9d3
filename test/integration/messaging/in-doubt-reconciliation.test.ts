import type { SendEmailCommand } from '@aws-sdk/client-sesv2';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../../infra/local/local-aws';
import type { LocalRuntime } from '../../../infra/local/local-runtime';
import { buildMessenger as createMessenger } from '../../../shared/composition/messaging';
import { DynamoSendReservations } from '../../../shared/adapters/messaging/reservations';
import { encodeTagValue } from '../../../shared/adapters/messaging/ses-email-sender';
import { defaultContactPolicyConfig, messageIdFor, type SendReservations } from '../../../shared/domain/messaging';
import { startTestRuntime } from '../../support/test-runtime';
import { alignClockToShanghaiMidday, createUser, mailTo, recallMessage, sesToEmulator } from './support';

let runtime: LocalRuntime;

beforeAll(async () => {
  runtime = await startTestRuntime();
  alignClockToShanghaiMidday(runtime);
}, 120_000);
afterAll(async () => {
  await runtime?.stop();
});

// The runtime deploys the default contact policy (cdk.json sets none).
const { sendingTimeoutSeconds, providerEvidenceHorizonSeconds } = defaultContactPolicyConfig.reservation;
const SWEEP_PERIOD_MS = 15 * 60_000;

/** The process dies after the provider answered, before `sent` is written: the key stays `sending`. */
const crashBeforeRecordingSent = (reservations: SendReservations): SendReservations => ({
  find: (key) => reservations.find(key),
  reserve: (key, claim, now) => reservations.reserve(key, claim, now),
  transition: (key, expected, next) =>
    next.status === 'sent' ? Promise.reject(new Error('simulated crash after the provider call')) : reservations.transition(key, expected, next),
});

function reservationsOf(userId: string): DynamoSendReservations {
  const usersTable = [...runtime.tables.entries()].find(([id]) => id.startsWith('UsersTable'))![1];
  return new DynamoSendReservations(DynamoDBDocumentClient.from(runtime.dynamodb.client), usersTable, userId);
}

/**
 * Plays SES's part the emulator lacks: the configuration set's event destination publishes each
 * event, tagged as our sender tags mail, to the feedback topic. It reaches the feedback handler
 * through the runtime's own SNS subscription.
 */
async function publishSesSendEvent(user: { userId: string; email: string }, idempotencyKey: string, sesMessageId: string): Promise<void> {
  const sns = new SNSClient({ endpoint: runtime.emulators.snsSqsEndpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  const event = {
    eventType: 'Send',
    mail: {
      timestamp: runtime.clock.now().toISOString(),
      source: 'no-reply@rekindle.example.com',
      messageId: sesMessageId,
      destination: [user.email],
      tags: { messageId: [messageIdFor(idempotencyKey)], userId: [encodeTagValue(user.userId)], templateId: [encodeTagValue('recall-r1')] },
    },
    send: {},
  };
  await sns.send(new PublishCommand({ TopicArn: runtime.topicArn('MessagingSesFeedbackTopic'), Message: JSON.stringify(event) }));
  await runtime.settle();
}

/** Moves the clock by `ms` and waits until the reconciliation schedule has fired and finished. */
async function advanceThroughSweep(ms: number): Promise<void> {
  const before = sweepRuns().length;
  runtime.clock.advance(ms);
  await runtime.settle();
  const runs = sweepRuns();
  expect(runs.length, 'the reconciliation schedule fired').toBeGreaterThan(before);
  expect(runs.filter((run) => run.error !== undefined)).toEqual([]);
}

const sweepRuns = () => runtime.scheduleLog.filter((run) => run.name.startsWith('MessagingReconcileSweepSchedule'));

describe('the scheduled reconciliation sweep settles messages left in doubt', () => {
  it('marks an email SES took as sent: a retry answers duplicate and no second mail leaves', async () => {
    // Prepare: SES (the emulator) takes the mail, the attempt dies before recording it, SES publishes its Send event
    const user = await createUser(runtime);
    const key = `in-doubt-taken-${user.userId}`;
    const crashing = createMessenger({ clock: runtime.clock, ses: sesToEmulator(), wrapReservations: crashBeforeRecordingSent });
    const crashed = await crashing.send(recallMessage(user.userId, key)).catch((error: Error) => error);
    const [taken] = await mailTo(runtime, user.email);
    await publishSesSendEvent(user, key, taken!.messageId);
    const messenger = createMessenger({ clock: runtime.clock, ses: sesToEmulator() });

    // Act: past the sending timeout and one sweep period, then the caller's retry and another message the same day
    await advanceThroughSweep(sendingTimeoutSeconds * 1000 + SWEEP_PERIOD_MS);
    const retry = await messenger.send(recallMessage(user.userId, key));
    const nextMarketing = await messenger.send(recallMessage(user.userId, `in-doubt-next-${user.userId}`));

    // Assess
    expect(crashed).toBeInstanceOf(Error);
    expect(await reservationsOf(user.userId).find(key)).toMatchObject({ status: 'sent', providerMessageId: taken!.messageId });
    expect(retry).toMatchObject({ kind: 'skipped', reason: 'duplicate' });
    expect(await mailTo(runtime, user.email)).toHaveLength(1);
    // The sweep counted the contact that left: the day's marketing budget (1) is used.
    expect(nextMarketing).toMatchObject({ kind: 'skipped', reason: 'budget' });
  });

  it('releases an email SES never took only after the evidence horizon; the next retry sends exactly one', async () => {
    // Prepare: the connection drops before SES has the mail (no answer, so the key is in doubt)
    const user = await createUser(runtime);
    const key = `in-doubt-lost-${user.userId}`;
    const ses = sesToEmulator();
    let dropped = false;
    const dropsFirstCall = {
      send: (command: SendEmailCommand) => {
        if (dropped) return ses.send(command);
        dropped = true;
        return Promise.reject(new Error('socket hang up'));
      },
    };
    const messenger = createMessenger({ clock: runtime.clock, ses: dropsFirstCall });
    const crashed = await messenger.send(recallMessage(user.userId, key)).catch((error: Error) => error);

    // Act: a sweep inside the horizon, a retry, a sweep past it, then the caller's retries
    await advanceThroughSweep(sendingTimeoutSeconds * 1000 + SWEEP_PERIOD_MS);
    const withinHorizon = await messenger.send(recallMessage(user.userId, key));
    const stateWithinHorizon = await reservationsOf(user.userId).find(key);
    await advanceThroughSweep(providerEvidenceHorizonSeconds * 1000);
    const stateAfterHorizon = await reservationsOf(user.userId).find(key);
    const retry = await messenger.send(recallMessage(user.userId, key));
    const again = await messenger.send(recallMessage(user.userId, key));

    // Assess
    expect(crashed).toBeInstanceOf(Error);
    expect(withinHorizon).toMatchObject({ kind: 'failed-permanent', code: 'delivery-in-doubt' });
    expect(stateWithinHorizon?.status).toBe('sending');
    expect(stateAfterHorizon).toMatchObject({ status: 'released', detail: 'reconciled: provider has no record of the message' });
    expect(retry.kind).toBe('sent');
    expect(again).toMatchObject({ kind: 'skipped', reason: 'duplicate' });
    expect(await mailTo(runtime, user.email)).toHaveLength(1);
  });

  it('marks an SMS the local outbox delivered as sent, from the outbox record', async () => {
    // Prepare: the local SMS sender writes its outbox item, then the attempt dies before recording it
    const user = await createUser(runtime, { consents: { sms: true }, phone: '+8613812345678' });
    const key = `in-doubt-sms-${user.userId}`;
    const crashing = createMessenger({ clock: runtime.clock, wrapReservations: crashBeforeRecordingSent });
    const crashed = await crashing.send(recallMessage(user.userId, key, { channel: 'sms' })).catch((error: Error) => error);

    // Act
    await advanceThroughSweep(sendingTimeoutSeconds * 1000 + SWEEP_PERIOD_MS);
    const retry = await createMessenger({ clock: runtime.clock }).send(recallMessage(user.userId, key, { channel: 'sms' }));

    // Assess
    expect(crashed).toBeInstanceOf(Error);
    expect(await reservationsOf(user.userId).find(key)).toMatchObject({ status: 'sent', providerMessageId: expect.stringMatching(/^local-sms-/) });
    expect(retry).toMatchObject({ kind: 'skipped', reason: 'duplicate' });
  });
});
