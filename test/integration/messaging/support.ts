import { randomUUID } from 'node:crypto';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import type { LocalRuntime } from '../../../infra/local/local-runtime';
import type { SendRequest } from '../../../shared/domain/messaging';
import { call } from '../../support/test-runtime';

/** One mail as the SES emulator's store keeps it. */
export interface CapturedEmail {
  messageId: string;
  destination: { to: string[] };
  subject: string;
  body: { html?: string; text?: string };
  headers?: Array<{ name: string; value: string }>;
}

/** Moves the virtual clock to the next 04:00 UTC: midday in Shanghai, night in New York. */
export function alignClockToShanghaiMidday(runtime: LocalRuntime): void {
  const now = runtime.clock.now();
  const target = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), 4, 0, 0));
  if (target.getTime() <= now.getTime()) target.setUTCDate(target.getUTCDate() + 1);
  runtime.clock.advance(target.getTime() - now.getTime());
}

export async function createUser(
  runtime: LocalRuntime,
  options: { timezone?: string; locale?: 'en' | 'zh-CN'; consents?: { email?: boolean; sms?: boolean }; phone?: string } = {},
): Promise<{ userId: string; email: string }> {
  const userId = `msg-${randomUUID().slice(0, 8)}`;
  const email = `${userId}@example.test`;
  const answer = await call(runtime, 'PUT', `/v1/users/${userId}`, {
    body: {
      email,
      timezone: options.timezone ?? 'Asia/Shanghai',
      locale: options.locale ?? 'en',
      consents: { email: true, ...options.consents },
      ...(options.phone ? { phone: options.phone } : {}),
    },
  });
  if (answer.status !== 201) throw new Error(`could not create user: ${answer.status} ${JSON.stringify(answer.body)}`);
  return { userId, email };
}

export async function mailTo(runtime: LocalRuntime, address: string): Promise<CapturedEmail[]> {
  const response = await fetch(`${runtime.emulators.sesEndpoint}/store`);
  const store = (await response.json()) as { emails: CapturedEmail[] };
  return store.emails.filter((email) => email.destination.to.includes(address));
}

export function sendTest(runtime: LocalRuntime, body: Record<string, unknown>) {
  return call(runtime, 'POST', '/v1/messages/test', { body, auth: 'marketer' });
}

/** The logical id of the function whose handler module is `entry`. */
export function functionIdOf(runtime: LocalRuntime, entry: string): string {
  const found = runtime.app.functions().find((fn) => fn.entry === entry);
  if (!found) throw new Error(`no function with entry ${entry}`);
  return found.logicalId;
}

/** A journey's recall message (R1 template) to `userId`, dropped rather than deferred in quiet hours. */
export function recallMessage(userId: string, idempotencyKey: string, options: { channel?: 'email' | 'sms'; step?: string } = {}): SendRequest {
  return {
    userId,
    channel: options.channel ?? 'email',
    templateId: 'recall-r1',
    data: { firstName: 'Ada', appUrl: 'https://app.example.test' },
    priority: 'non-core',
    idempotencyKey,
    onQuietHours: 'drop',
    source: { kind: 'journey', journeyId: 'j-1', executionName: `exec-${userId}`, step: options.step ?? 'r1' },
  };
}

/** An SES v2 client for the runtime's emulator that does not retry, so a failure shows at once. */
export const sesToEmulator = (): SESv2Client => new SESv2Client({ maxAttempts: 1 });
