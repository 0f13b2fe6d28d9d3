import type { SNSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../../infra/local/local-runtime';
import type { HealthAlert, HealthDay } from '../../../shared/domain/health';
import { call, startTestRuntime } from '../../support/test-runtime';
import { alignClockToShanghaiMidday, createUser, functionIdOf, mailTo, sendTest } from '../messaging/support';

// Ten messages on one day: one bounces for good, one is complained about, one is unsubscribed
// from; each provider event and the unsubscribe arrive twice, as at-least-once delivery does.
let runtime: LocalRuntime;
let day: string;

async function must(method: string, path: string, body?: unknown) {
  const answer = await call(runtime, method, path, { auth: 'marketer', ...(body === undefined ? {} : { body }) });
  if (answer.status >= 300) throw new Error(`${method} ${path} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  return answer.body;
}

/** An SES configuration-set event, as SNS hands it to the feedback function. */
async function sesEvent(message: unknown): Promise<void> {
  const handler = runtime.handlerOf(functionIdOf(runtime, 'functions/ses-feedback/handler.ts')) as (event: SNSEvent) => Promise<unknown>;
  await handler({
    Records: [
      {
        EventSource: 'aws:sns',
        EventVersion: '1.0',
        EventSubscriptionArn: 'arn:aws:sns:us-east-1:000000000000:Rekindle-Api-SesFeedback:sub',
        Sns: {
          Type: 'Notification',
          MessageId: 'b1f6a8c2-0000-4000-8000-000000000002',
          TopicArn: 'arn:aws:sns:us-east-1:000000000000:Rekindle-Api-SesFeedback',
          Subject: '',
          Message: JSON.stringify(message),
          Timestamp: runtime.clock.now().toISOString(),
          SignatureVersion: '1',
          Signature: 'EXAMPLE',
          SigningCertUrl: 'https://sns.us-east-1.amazonaws.com/cert.pem',
          UnsubscribeUrl: 'https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe',
          MessageAttributes: {},
        },
      },
    ],
  });
}

async function send(user: { userId: string; email: string }, priority: 'core' | 'non-core') {
  const answer = await sendTest(runtime, { userId: user.userId, channel: 'email', priority });
  const outcome = answer.body.outcome as { kind: string; messageId: string; providerMessageId: string };
  if (outcome.kind !== 'sent') throw new Error(`send to ${user.userId}: ${JSON.stringify(outcome)}`);
  return {
    timestamp: runtime.clock.now().toISOString(),
    source: 'no-reply@rekindle.example.com',
    messageId: outcome.providerMessageId,
    destination: [user.email],
    tags: { messageId: [outcome.messageId], userId: [Buffer.from(user.userId).toString('base64url')] },
  };
}

async function computeDay(name: string) {
  const started = await must('POST', '/v1/scoring/runs', { date: day });
  const scoringArn = `${runtime.stateMachineArn('ScoringNightlyScoringStateMachine').replace(':stateMachine:', ':execution:')}:${String(started.runId)}`;
  const scoring = await runtime.stepFunctions!.waitForExecution(scoringArn);
  if (scoring.status !== 'SUCCEEDED') throw new Error(`scoring ${day}: ${scoring.status} ${scoring.error} ${scoring.cause}`);
  const { executionArn } = await runtime.stepFunctions!.startExecution({
    stateMachineArn: runtime.stateMachineArn('HealthDailyHealthStateMachine'),
    name,
    input: JSON.stringify({ day, scheduledTime: null }),
  });
  const execution = await runtime.stepFunctions!.waitForExecution(executionArn);
  if (execution.status !== 'SUCCEEDED') throw new Error(`health ${day}: ${execution.status} ${execution.error} ${execution.cause}`);
}

beforeAll(async () => {
  runtime = await startTestRuntime();
  alignClockToShanghaiMidday(runtime);
  // Noon in Shanghai: the UTC day is the reporting day.
  day = runtime.clock.now().toISOString().slice(0, 10);

  const users = [];
  for (let i = 0; i < 10; i++) users.push(await createUser(runtime));
  const marketing = await send(users[0]!, 'non-core');
  const mails = [marketing];
  for (const user of users.slice(1)) mails.push(await send(user, 'core'));

  const at = runtime.clock.now().toISOString();
  const bounce = {
    eventType: 'Bounce',
    bounce: { bounceType: 'Permanent', bounceSubType: 'General', bouncedRecipients: [{ emailAddress: users[1]!.email }], timestamp: at },
    mail: mails[1],
  };
  const complaint = { eventType: 'Complaint', complaint: { complainedRecipients: [{ emailAddress: users[2]!.email }], timestamp: at }, mail: mails[2] };
  const transient = {
    eventType: 'Bounce',
    bounce: { bounceType: 'Transient', bounceSubType: 'MailboxFull', bouncedRecipients: [{ emailAddress: users[3]!.email }], timestamp: at },
    mail: mails[3],
  };
  for (const event of [bounce, bounce, complaint, complaint, transient]) await sesEvent(event);

  const [mail] = await mailTo(runtime, users[0]!.email);
  const url = mail!.headers!.find((header) => header.name === 'List-Unsubscribe')!.value.slice(1, -1);
  for (let i = 0; i < 2; i++) {
    const post = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
    if (post.status !== 200) throw new Error(`unsubscribe answered ${post.status}`);
  }
  await computeDay(`rates-${day}`);
}, 300_000);
afterAll(async () => {
  await runtime?.stop();
});

describe('message rates of product health', () => {
  it('counts sends, permanent bounces, complaints and unsubscribes of the day once each', async () => {
    // Act
    const [point] = (await must('GET', `/v1/health/daily?from=${day}&to=${day}`)).days as HealthDay[];

    // Assess
    expect(point?.messages).toEqual({ sent: 10, complaints: 1, bounces: 1, unsubscribes: 1, complaintRate: 0.1, bounceRate: 0.1, unsubscribeRate: 0.1 });
  });

  it('raises the complaint and bounce rate alarms of the day, once, with their playbooks', async () => {
    // Prepare
    await computeDay(`rates-${day}-again`);

    // Act
    // (The users have no feature use, so the day also raises the feature experience plan: not asserted here.)
    const alerts = ((await must('GET', '/v1/alerts')).alerts as HealthAlert[]).filter((alert) => alert.day === day && alert.subject.kind.endsWith('-rate'));

    // Assess
    expect(alerts.map((alert) => alert.alertId).sort()).toEqual([`${day}#bounce-rate`, `${day}#complaint-rate`]);
    expect(alerts.find((alert) => alert.subject.kind === 'complaint-rate')).toMatchObject({
      subject: { rate: 0.1, limit: 0.001 },
      playbook: expect.stringContaining('pause'),
    });
    expect(alerts.find((alert) => alert.subject.kind === 'bounce-rate')).toMatchObject({ subject: { rate: 0.1, limit: 0.05 } });
  });
});
