import type { Command } from 'commander';
import { z } from 'zod';
import { DEFAULT_DATA_DIR } from '../../infra/local/local-runtime';
import { maskEmail } from '../../shared/domain/messaging/masking';
import type { MessageLogEntry, SendOutcome } from '../../shared/domain/messaging';
import { connectLocal, output, type LocalConnection } from '../local-connection';

/** One mail as the SES emulator's store (`GET /store`) keeps it. */
const CapturedEmail = z.object({
  messageId: z.string(),
  from: z.string(),
  destination: z.object({ to: z.array(z.string()) }),
  subject: z.string(),
  body: z.object({ html: z.string().optional(), text: z.string().optional() }),
  headers: z.array(z.object({ name: z.string(), value: z.string() })).optional(),
  at: z.number(),
});
type CapturedEmail = z.infer<typeof CapturedEmail>;

class MessagingCommandError extends Error {
  override readonly name = 'MessagingCommandError';
}

async function capturedMail(connection: LocalConnection): Promise<CapturedEmail[]> {
  const response = await fetch(`${connection.state.sesEndpoint}/store`);
  if (!response.ok) throw new MessagingCommandError(`the SES emulator store answered ${response.status}`);
  return z.object({ emails: z.array(CapturedEmail) }).parse(await response.json()).emails;
}

async function api(connection: LocalConnection, method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const answer = await connection.request(method, path, { auth: 'marketer', ...(body === undefined ? {} : { body }) });
  if (answer.status >= 400) {
    const problem = answer.body as { message?: string; problems?: Array<{ path: string; message: string }> };
    const details = (problem.problems ?? []).map((p) => `\n  ${p.path}: ${p.message}`).join('');
    throw new MessagingCommandError(`${method} ${path} answered ${answer.status}: ${problem.message ?? JSON.stringify(answer.body)}${details}`);
  }
  return answer.body as Record<string, unknown>;
}

function describeOutcome(outcome: SendOutcome): string {
  switch (outcome.kind) {
    case 'sent':
      return `sent (${outcome.providerMessageId})`;
    case 'deferred':
      return `deferred to ${outcome.until} (${outcome.reason})`;
    case 'skipped':
      return `skipped: ${outcome.reason} — ${outcome.detail}`;
    case 'failed-retryable':
      return `failed, retryable: ${outcome.code} — ${outcome.detail}`;
    case 'failed-permanent':
      return `failed: ${outcome.code} — ${outcome.detail}`;
  }
}

const dataDirOption = (command: Command) =>
  command.option('--data-dir <dir>', 'data folder of the running system', DEFAULT_DATA_DIR).option('--json', 'machine-readable output');

/** `rekindle mail …`, `rekindle killswitch …`, `rekindle messages send-test`. */
export function registerMessagingCommands(program: Command): void {
  const mail = program.command('mail').description('what the local runtime sent: email from the SES emulator, SMS and push from the outbox');

  dataDirOption(mail.command('list').description('list messages: every captured email, or one user\u2019s message log with decisions'))
    .option('--user <userId>', 'one user\u2019s messages on every channel, sent or not, with the reason')
    .action(async (options: { dataDir: string; json?: boolean; user?: string }) => {
      const connection = connectLocal(options.dataDir);
      const emails = await capturedMail(connection);
      if (options.user === undefined) {
        const rows = emails.map((email) => ({
          id: email.messageId,
          at: new Date(email.at * 1000).toISOString(),
          to: email.destination.to.map(maskEmail),
          subject: email.subject,
        }));
        output(Boolean(options.json), rows, () =>
          rows.length === 0 ? 'no mail captured yet' : rows.map((r) => `${r.at}  ${r.id}  ${r.to.join(', ')}  ${r.subject}`).join('\n'),
        );
        return;
      }
      const body = await api(connection, 'GET', `/v1/users/${encodeURIComponent(options.user)}/messages`);
      const entries = body.messages as MessageLogEntry[];
      const bySesId = new Map(emails.map((email) => [email.messageId, email]));
      const rows = entries.map((entry) => {
        const providerId = entry.outcome.kind === 'sent' ? entry.outcome.providerMessageId : undefined;
        return { ...entry, subject: providerId ? bySesId.get(providerId)?.subject : undefined };
      });
      output(Boolean(options.json), rows, () =>
        rows.length === 0
          ? `no messages for ${options.user}`
          : rows
              .map(
                (r) =>
                  `${r.recordedAt}  ${r.messageId}  ${r.channel.padEnd(5)} ${r.templateId.padEnd(16)} ${r.priority.padEnd(8)} ${describeOutcome(r.outcome)}${r.subject ? `\n    subject: ${r.subject}` : ''}`,
              )
              .join('\n'),
      );
    });

  dataDirOption(
    mail
      .command('show')
      .description('show exactly what was rendered and sent')
      .argument('<id>', 'an SES message id (from mail list) or a Rekindle message id (msg_…)'),
  ).action(async (id: string, options: { dataDir: string; json?: boolean }) => {
    const connection = connectLocal(options.dataDir);
    const emails = await capturedMail(connection);
    let email = emails.find((candidate) => candidate.messageId === id);
    let detail: Record<string, unknown> | undefined;
    if (email === undefined && id.startsWith('msg_')) {
      detail = await api(connection, 'GET', `/v1/messages/${encodeURIComponent(id)}`);
      const sent = (detail.entries as MessageLogEntry[]).find((entry) => entry.outcome.kind === 'sent');
      if (sent?.outcome.kind === 'sent' && sent.channel === 'email') {
        const providerId = sent.outcome.providerMessageId;
        email = emails.find((candidate) => candidate.messageId === providerId);
      }
    }
    if (email === undefined && detail === undefined) throw new MessagingCommandError(`no message ${id}: use an id printed by \`rekindle mail list\``);
    output(Boolean(options.json), { email, ...(detail ?? {}) }, () => {
      const lines: string[] = [];
      if (email) {
        lines.push(`From: ${email.from}`, `To: ${email.destination.to.join(', ')}`, `Subject: ${email.subject}`);
        for (const header of email.headers ?? []) lines.push(`${header.name}: ${header.value}`);
        lines.push('', email.body.text ?? '(no text part)');
      }
      const rendered = detail?.rendered as { channel: string; to: string; title?: string; body: string } | undefined;
      if (rendered)
        lines.push(`${rendered.channel.toUpperCase()} to ${rendered.to}`, ...(rendered.title ? [`Title: ${rendered.title}`] : []), '', rendered.body);
      for (const entry of (detail?.entries as MessageLogEntry[] | undefined) ?? []) {
        lines.push('', `${entry.recordedAt}  ${describeOutcome(entry.outcome)}`);
        for (const check of entry.decision?.checks ?? []) lines.push(`  ${check.name.padEnd(19)} ${check.result.padEnd(8)} ${check.detail}`);
      }
      return lines.join('\n');
    });
  });

  const killswitch = program.command('killswitch').description('the global kill switch: while on, no non-core message leaves');
  for (const state of ['on', 'off'] as const) {
    dataDirOption(killswitch.command(state).description(state === 'on' ? 'stop every non-core send' : 'resume non-core sends'))
      .requiredOption('--reason <text>', 'why (kept with the switch and shown in every skipped message)')
      .action(async (options: { dataDir: string; json?: boolean; reason: string }) => {
        const body = await api(connectLocal(options.dataDir), 'PUT', '/v1/killswitch', { active: state === 'on', reason: options.reason });
        output(Boolean(options.json), body, () =>
          state === 'on' ? `kill switch ON: non-core messages are skipped (${options.reason})` : 'kill switch off: non-core messages flow again',
        );
      });
  }
  dataDirOption(killswitch.command('status').description('show the kill switch')).action(async (options: { dataDir: string; json?: boolean }) => {
    const body = await api(connectLocal(options.dataDir), 'GET', '/v1/killswitch');
    const state = body.killSwitch as { active: boolean; reason?: string; since?: string; by?: string };
    output(Boolean(options.json), body, () => (state.active ? `kill switch ON since ${state.since} by ${state.by}: ${state.reason}` : 'kill switch off'));
  });

  const messages = program.command('messages').description('the one send path');
  dataDirOption(messages.command('send-test').description('send a test message to a user through the full contact policy'))
    .requiredOption('--user <userId>', 'the user')
    .option('--channel <channel>', 'email, sms or push', 'email')
    .option('--template <templateId>', 'template id', 'test-message')
    .option('--priority <priority>', 'non-core (marketing: every rule applies) or core', 'non-core')
    .option('--key <idempotencyKey>', 'repeat a key to see a retry answered as a duplicate')
    .action(async (options: { dataDir: string; json?: boolean; user: string; channel: string; template: string; priority: string; key?: string }) => {
      const body = await api(connectLocal(options.dataDir), 'POST', '/v1/messages/test', {
        userId: options.user,
        channel: options.channel,
        templateId: options.template,
        priority: options.priority,
        ...(options.key ? { idempotencyKey: options.key } : {}),
      });
      const outcome = body.outcome as SendOutcome;
      output(Boolean(options.json), body, () => `${outcome.messageId}: ${describeOutcome(outcome)}`);
    });
}
