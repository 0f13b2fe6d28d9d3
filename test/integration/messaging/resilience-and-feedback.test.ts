import { TooManyRequestsException, type SendEmailCommand } from '@aws-sdk/client-sesv2';
import { SNSClient, type PublishCommand } from '@aws-sdk/client-sns';
import { SnsPushSender, SnsSmsSender, type SnsPublish } from '../../../shared/adapters/messaging/sns-senders';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { SNSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../../infra/local/local-runtime';
import { buildMessenger as createMessenger } from '../../../shared/composition/messaging';
import type { SendReservations } from '../../../shared/domain/messaging';
import { startTestRuntime } from '../../support/test-runtime';
import { alignClockToShanghaiMidday, createUser, functionIdOf, mailTo, sendTest, recallMessage, sesToEmulator } from './support';

let runtime: LocalRuntime;

beforeAll(async () => {
  runtime = await startTestRuntime();
  alignClockToShanghaiMidday(runtime);
}, 120_000);
afterAll(async () => {
  await runtime?.stop();
});

describe('the send path under failure (in-process, as journeys call it)', () => {
  it('retries an SES throttle and sends exactly once', async () => {
    // Prepare: SES answers TooManyRequestsException once (the emulator cannot), then the real emulator
    const user = await createUser(runtime);
    const ses = sesToEmulator();
    let throttles = 0;
    const throttlingOnce = {
      send: (command: SendEmailCommand) => {
        if (throttles++ === 0)
          return Promise.reject(new TooManyRequestsException({ message: 'Maximum sending rate exceeded.', $metadata: { httpStatusCode: 429 } }));
        return ses.send(command);
      },
    };
    const messenger = createMessenger({ clock: runtime.clock, ses: throttlingOnce });

    // Act
    const outcome = await messenger.send(recallMessage(user.userId, `throttle-${user.userId}`, { step: 'r1-email' }));

    // Assess
    expect(outcome.kind).toBe('sent');
    expect(throttles).toBe(2);
    expect(await mailTo(runtime, user.email)).toHaveLength(1);
  });

  it('recovers a crash between reserve and send without loss or duplicate', async () => {
    // Prepare: the process "dies" right after reserving, before marking the key as sending
    const user = await createUser(runtime);
    let crashed = false;
    const crashOnce = (reservations: SendReservations): SendReservations => ({
      find: (key) => reservations.find(key),
      reserve: (key, claim, now) => reservations.reserve(key, claim, now),
      transition: (key, expected, next) => {
        if (!crashed && next.status === 'sending') {
          crashed = true;
          return Promise.reject(new Error('simulated crash'));
        }
        return reservations.transition(key, expected, next);
      },
    });
    const messenger = createMessenger({ clock: runtime.clock, ses: sesToEmulator(), wrapReservations: crashOnce });
    const request = recallMessage(user.userId, `crash-${user.userId}`, { step: 'r1-email' });

    // Act
    const first = await messenger.send(request).catch((error: Error) => error);
    const tooEarly = await messenger.send(request);
    runtime.clock.advance(61_000); // past the 60 s lease
    const recovered = await messenger.send(request);
    const afterwards = await messenger.send(request);

    // Assess
    expect(first).toBeInstanceOf(Error);
    expect(await mailTo(runtime, user.email)).toHaveLength(1);
    expect(tooEarly).toMatchObject({ kind: 'failed-retryable', code: 'in-flight' });
    expect(recovered.kind).toBe('sent');
    expect(afterwards).toMatchObject({ kind: 'skipped', reason: 'duplicate' });
  });
});

describe('SES feedback through SNS', () => {
  const feedback = (message: unknown) => {
    const handler = runtime.handlerOf(functionIdOf(runtime, 'functions/ses-feedback/handler.ts')) as (
      event: SNSEvent,
    ) => Promise<{ applied: string[]; invalid: number }>;
    const event: SNSEvent = {
      Records: [
        {
          EventSource: 'aws:sns',
          EventVersion: '1.0',
          EventSubscriptionArn: 'arn:aws:sns:us-east-1:000000000000:Rekindle-Api-SesFeedback:sub',
          Sns: {
            Type: 'Notification',
            MessageId: 'b1f6a8c2-0000-4000-8000-000000000001',
            TopicArn: 'arn:aws:sns:us-east-1:000000000000:Rekindle-Api-SesFeedback',
            Subject: '',
            Message: JSON.stringify(message),
            Timestamp: new Date().toISOString(),
            SignatureVersion: '1',
            Signature: 'EXAMPLE',
            SigningCertUrl: 'https://sns.us-east-1.amazonaws.com/cert.pem',
            UnsubscribeUrl: 'https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe',
            MessageAttributes: {},
          },
        },
      ],
    };
    return handler(event);
  };

  /** The `mail` object SES puts in every configuration-set event, with the tags our sender set. */
  async function sentMail(user: { userId: string; email: string }) {
    const answer = await sendTest(runtime, { userId: user.userId, channel: 'email', priority: 'core' });
    const outcome = answer.body.outcome as { messageId: string; providerMessageId: string };
    return {
      timestamp: runtime.clock.now().toISOString(),
      source: 'no-reply@rekindle.example.com',
      messageId: outcome.providerMessageId,
      destination: [user.email],
      headersTruncated: false,
      tags: {
        'ses:configuration-set': ['Rekindle-Api-MessagingConfigurationSet'],
        messageId: [outcome.messageId],
        userId: [Buffer.from(user.userId).toString('base64url')],
      },
    };
  }

  it('suppresses a hard-bounced address, core messages included', async () => {
    const user = await createUser(runtime);
    const mail = await sentMail(user);
    const result = await feedback({
      eventType: 'Bounce',
      bounce: {
        feedbackId: '0100018f-feedback',
        bounceType: 'Permanent',
        bounceSubType: 'General',
        bouncedRecipients: [{ emailAddress: user.email, action: 'failed', status: '5.1.1', diagnosticCode: 'smtp; 550 5.1.1 user unknown' }],
        timestamp: runtime.clock.now().toISOString(),
        reportingMTA: 'dns; a8-30.smtp-out.amazonses.com',
      },
      mail,
    });
    const next = await sendTest(runtime, { userId: user.userId, channel: 'email', priority: 'core' });
    expect(result).toEqual({ applied: ['address-suppressed'], invalid: 0 });
    expect(next.body.outcome).toMatchObject({ kind: 'skipped', reason: 'suppressed' });
  });

  it('stops all marketing to a user who complained, and ignores a transient bounce', async () => {
    const user = await createUser(runtime);
    const mail = await sentMail(user);
    const transient = await feedback({
      eventType: 'Bounce',
      bounce: {
        bounceType: 'Transient',
        bounceSubType: 'MailboxFull',
        bouncedRecipients: [{ emailAddress: user.email }],
        timestamp: runtime.clock.now().toISOString(),
      },
      mail,
    });
    const complaint = await feedback({
      eventType: 'Complaint',
      complaint: {
        complainedRecipients: [{ emailAddress: user.email }],
        timestamp: runtime.clock.now().toISOString(),
        feedbackId: 'f-1',
        complaintFeedbackType: 'abuse',
      },
      mail,
    });
    const marketing = await sendTest(runtime, { userId: user.userId, channel: 'email' });
    const core = await sendTest(runtime, { userId: user.userId, channel: 'email', priority: 'core' });
    expect(transient.applied).toEqual(['ignored']);
    expect(complaint.applied).toEqual(['marketing-stopped']);
    expect(marketing.body.outcome).toMatchObject({ kind: 'skipped', reason: 'suppressed' });
    expect(core.body.outcome).toMatchObject({ kind: 'sent' });
  });

  it('turns opens and clicks into behaviour events, once per SES event', async () => {
    const user = await createUser(runtime);
    const mail = await sentMail(user);
    const open = { eventType: 'Open', open: { timestamp: runtime.clock.now().toISOString(), userAgent: 'Mozilla/5.0', ipAddress: '192.0.2.1' }, mail };
    await feedback(open);
    await feedback(open); // SNS delivers at least once
    await feedback({
      eventType: 'Click',
      click: { timestamp: runtime.clock.now().toISOString(), link: 'https://app.example.test', linkTags: {}, ipAddress: '192.0.2.1', userAgent: 'Mozilla/5.0' },
      mail,
    });
    const invalid = await feedback({ eventType: 'Open', mail: { messageId: 'x' } });

    const client = DynamoDBDocumentClient.from(runtime.dynamodb.client);
    const eventsTable = [...runtime.tables.entries()].find(([id]) => id.startsWith('EventsTable'))![1];
    const stored = await client.send(
      new QueryCommand({ TableName: eventsTable, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `USER#${user.userId}` } }),
    );
    expect((stored.Items ?? []).map((item) => item.type).sort()).toEqual(['message_click', 'message_open']);
    expect(invalid).toEqual({ applied: [], invalid: 1 });
  });
});

describe('the SNS SMS and push senders against the SNS emulator', () => {
  // The local runtime sends SMS and push to an outbox (fauxqs has no SMS and no platform
  // endpoints), so the deployed senders meet a real SNS answer only here: the emulator refuses a
  // Publish without a TopicArn with 400 InvalidParameter, as SNS refuses a target it cannot reach.
  const recording = () => {
    const sns = new SNSClient({ maxAttempts: 1 });
    const published: Array<PublishCommand['input']> = [];
    const client: SnsPublish = { send: (command) => (published.push(command.input), sns.send(command)) };
    return { client, published };
  };
  const base = { messageId: 'm-sns-1', idempotencyKey: 'k-sns-1', tags: { messageId: 'm-sns-1', templateId: 'recall-r4', userId: 'u-sns' } };

  it('publishes an SMS to the phone number with its SMS type and message id, and answers a refusal as a permanent error', async () => {
    // Prepare
    const { client, published } = recording();

    // Act
    const result = await new SnsSmsSender(client).send({ ...base, to: '+8613812345678', text: 'Ada, 20% off this week', smsType: 'Promotional' });

    // Assess
    expect(published).toEqual([
      {
        PhoneNumber: '+8613812345678',
        Message: 'Ada, 20% off this week',
        MessageAttributes: {
          'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Promotional' },
          messageId: { DataType: 'String', StringValue: 'm-sns-1' },
        },
      },
    ]);
    expect(result).toEqual({ kind: 'permanent-error', detail: expect.stringMatching(/^InvalidParameterException: /) });
  });

  it('publishes a push to the device endpoint with its title and message id, and answers a refusal as a permanent error', async () => {
    // Prepare
    const { client, published } = recording();
    const endpoint = 'arn:aws:sns:us-east-1:000000000000:endpoint/GCM/rekindle/device-1';

    // Act
    const result = await new SnsPushSender(client).send({ ...base, endpoint, title: 'We miss you', body: 'Ada, come back for 20% off' });

    // Assess
    expect(published).toEqual([
      {
        TargetArn: endpoint,
        Subject: 'We miss you',
        Message: 'Ada, come back for 20% off',
        MessageAttributes: { messageId: { DataType: 'String', StringValue: 'm-sns-1' } },
      },
    ]);
    expect(result).toEqual({ kind: 'permanent-error', detail: expect.stringMatching(/^InvalidParameterException: /) });
  });
});
