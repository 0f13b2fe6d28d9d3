import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '../../../infra/local/local-runtime';
import { call, startTestRuntime } from '../../support/test-runtime';
import { alignClockToShanghaiMidday, createUser, mailTo, sendTest } from './support';

let runtime: LocalRuntime;

beforeAll(async () => {
  runtime = await startTestRuntime();
  alignClockToShanghaiMidday(runtime);
}, 120_000);
afterAll(async () => {
  await runtime?.stop();
});

type Outcome = { kind: string; reason?: string; detail?: string; messageId: string };
type LogEntry = {
  messageId: string;
  outcome: Outcome;
  decision?: { checks: Array<{ name: string; result: string; detail: string }>; verdict: { kind: string } };
  contactPoint?: string;
};

async function messageLog(userId: string): Promise<LogEntry[]> {
  const answer = await call(runtime, 'GET', `/v1/users/${userId}/messages`);
  expect(answer.status).toBe(200);
  return answer.body.messages as LogEntry[];
}

describe('POST /v1/messages/test', () => {
  it('sends a marketing email with RFC 8058 headers and logs the decision', async () => {
    // Prepare
    const user = await createUser(runtime);

    // Act
    const answer = await sendTest(runtime, { userId: user.userId, channel: 'email' });
    const mail = await mailTo(runtime, user.email);
    const log = await messageLog(user.userId);

    // Assess
    expect(answer.status).toBe(200);
    expect((answer.body.outcome as Outcome).kind).toBe('sent');
    expect(mail).toHaveLength(1);
    expect(mail[0]!.subject).toBe(`Rekindle test message for ${user.userId}`);
    const headers = Object.fromEntries((mail[0]!.headers ?? []).map((h) => [h.name, h.value]));
    expect(headers['List-Unsubscribe']).toMatch(new RegExp(`^<${runtime.apiUrl}/v1/unsubscribe\\?token=[A-Za-z0-9_.-]+>$`));
    expect(headers['List-Unsubscribe-Post']).toBe('List-Unsubscribe=One-Click');
    expect(log[0]).toMatchObject({ outcome: { kind: 'sent' }, decision: { verdict: { kind: 'allow' } } });
    expect(log[0]!.contactPoint).not.toContain(user.email);
  });

  it('renders the zh-CN template for a zh-CN user', async () => {
    const user = await createUser(runtime, { locale: 'zh-CN' });
    await sendTest(runtime, { userId: user.userId, channel: 'email' });
    const [mail] = await mailTo(runtime, user.email);
    expect(mail?.subject).toBe(`${user.userId}的 Rekindle 测试消息`);
    expect(mail?.body.text).toContain('一键退订');
  });

  it('sends once for one idempotency key, however often it is retried', async () => {
    const user = await createUser(runtime);
    const body = { userId: user.userId, channel: 'email', idempotencyKey: `retry-${user.userId}` };
    const answers = await Promise.all([sendTest(runtime, body), sendTest(runtime, body), sendTest(runtime, body)]);
    const again = await sendTest(runtime, body);
    expect(await mailTo(runtime, user.email)).toHaveLength(1);
    expect(answers.map((a) => (a.body.outcome as Outcome).kind).filter((kind) => kind === 'sent')).toHaveLength(1);
    expect(again.body.outcome).toMatchObject({ kind: 'skipped', reason: 'duplicate' });
  });

  it('skips a marketing message in the user\u2019s quiet hours and says why', async () => {
    // Prepare: 04:00 UTC is the middle of the night in New York
    const user = await createUser(runtime, { timezone: 'America/New_York' });

    // Act
    const answer = await sendTest(runtime, { userId: user.userId, channel: 'email' });
    const log = await messageLog(user.userId);

    // Assess
    expect(answer.body.outcome).toMatchObject({ kind: 'skipped', reason: 'quiet-hours' });
    expect(await mailTo(runtime, user.email)).toHaveLength(0);
    const quiet = log[0]!.decision!.checks.find((check) => check.name === 'quiet-hours');
    expect(quiet).toMatchObject({ result: 'block' });
    expect(quiet!.detail).toMatch(/America\/New_York is inside 21:00-09:00/);
  });

  it('skips marketing under the kill switch with its reason, and lets core messages through', async () => {
    // Prepare
    const marketing = await createUser(runtime);
    const core = await createUser(runtime);
    const on = await call(runtime, 'PUT', '/v1/killswitch', { body: { active: true, reason: 'DAU dropped 18%' }, auth: 'marketer' });

    try {
      // Act
      const skipped = await sendTest(runtime, { userId: marketing.userId, channel: 'email' });
      const passed = await sendTest(runtime, { userId: core.userId, channel: 'email', priority: 'core' });
      const status = await call(runtime, 'GET', '/v1/killswitch');

      // Assess
      expect(on.status).toBe(200);
      expect(status.body.killSwitch).toMatchObject({ active: true, reason: 'DAU dropped 18%' });
      expect(skipped.body.outcome).toMatchObject({ kind: 'skipped', reason: 'kill-switch' });
      expect((skipped.body.outcome as Outcome).detail).toContain('DAU dropped 18%');
      expect(passed.body.outcome).toMatchObject({ kind: 'sent' });
      expect(await mailTo(runtime, marketing.email)).toHaveLength(0);
      expect(await mailTo(runtime, core.email)).toHaveLength(1);
    } finally {
      await call(runtime, 'PUT', '/v1/killswitch', { body: { active: false, reason: 'recovered' }, auth: 'marketer' });
    }
  });

  it('refuses a request naming the bad field, and sends nothing', async () => {
    const answer = await sendTest(runtime, { userId: 'x', channel: 'fax' });
    expect(answer.status).toBe(400);
    expect(JSON.stringify(answer.body.problems)).toContain('channel');
  });
});

describe('one-click unsubscribe', () => {
  async function unsubscribeUrlOf(email: string): Promise<string> {
    const [mail] = await mailTo(runtime, email);
    const header = mail?.headers?.find((h) => h.name === 'List-Unsubscribe')?.value ?? '';
    return header.slice(1, -1);
  }

  /** The suppression check of the user's latest marketing send decision. */
  async function suppressionCheckOfLatest(userId: string) {
    const [latest] = await messageLog(userId);
    return latest?.decision?.checks.find((check) => check.name === 'suppression');
  }

  it('unsubscribes on the RFC 8058 POST; the next marketing send is skipped', async () => {
    // Prepare
    const user = await createUser(runtime);
    await sendTest(runtime, { userId: user.userId, channel: 'email' });
    const url = await unsubscribeUrlOf(user.email);

    // Act
    const page = await fetch(url);
    const post = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
    const next = await sendTest(runtime, { userId: user.userId, channel: 'email' });

    // Assess
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<form method="post"');
    expect(post.status).toBe(200);
    expect(await post.text()).toContain('You are unsubscribed');
    expect(next.body.outcome).toMatchObject({ kind: 'skipped', reason: 'unsubscribed' });
    expect(await mailTo(runtime, user.email)).toHaveLength(1);
  });

  it('changes nothing on the GET of the link (RFC 8058: only the POST unsubscribes)', async () => {
    // Prepare
    const user = await createUser(runtime);
    await sendTest(runtime, { userId: user.userId, channel: 'email' });
    const url = await unsubscribeUrlOf(user.email);

    // Act: a mail scanner or a prefetching client follows the link, twice
    const first = await fetch(url);
    const second = await fetch(url, { headers: { accept: 'application/json' } });
    const next = await sendTest(runtime, { userId: user.userId, channel: 'email' });

    // Assess: the confirmation page; the next marketing send finds the user not suppressed (the
    // contact budget may still hold it: one marketing touch a day)
    expect(first.status).toBe(200);
    expect(await first.text()).toContain('<form method="post"');
    expect(second.status).toBe(200);
    expect(next.body.outcome).not.toMatchObject({ reason: 'unsubscribed' });
    expect(await suppressionCheckOfLatest(user.userId)).toMatchObject({ result: 'pass', detail: 'not suppressed' });
  });

  it('refuses a tampered token and unsubscribes nobody', async () => {
    // Prepare: the token is forged to name another real user
    const user = await createUser(runtime);
    const other = await createUser(runtime);
    await sendTest(runtime, { userId: user.userId, channel: 'email' });
    const token = new URL(await unsubscribeUrlOf(user.email)).searchParams.get('token')!;
    const [payload, signature] = token.split('.') as [string, string];
    const forged = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { u: string };
    forged.u = other.userId;
    const tampered = `${Buffer.from(JSON.stringify(forged)).toString('base64url')}.${signature}`;

    // Act
    const refused = await fetch(`${runtime.apiUrl}/v1/unsubscribe?token=${encodeURIComponent(tampered)}`, {
      method: 'POST',
      headers: { accept: 'application/json' },
    });
    const flipped = await fetch(`${runtime.apiUrl}/v1/unsubscribe?token=${encodeURIComponent(`${token.slice(0, -2)}AA`)}`, { method: 'POST' });

    // Assess: marketing (non-core) sends, which an unsubscribe would skip, still go out to both
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ reason: 'bad-signature' });
    expect(flipped.status).toBe(400);
    const next = await sendTest(runtime, { userId: user.userId, channel: 'email' });
    expect(next.body.outcome).not.toMatchObject({ reason: 'unsubscribed' });
    expect(await suppressionCheckOfLatest(user.userId)).toMatchObject({ result: 'pass', detail: 'not suppressed' });
    const forOther = await sendTest(runtime, { userId: other.userId, channel: 'email' });
    expect(forOther.body.outcome).toMatchObject({ kind: 'sent' });
  });
});
