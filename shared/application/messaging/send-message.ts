import { randomUUID } from 'node:crypto';
import { assertNever, type Clock, MS_PER_DAY } from '../../domain/common';
import {
  classifyReservation,
  contactHistoryLookbackMs,
  contactPointFingerprint,
  contactPointFor,
  type ContactPolicyConfig,
  type ContactProfile,
  decideSend,
  type Decision,
  findTemplate,
  listUnsubscribeHeaders,
  type Locale,
  maskContactPoint,
  messageIdFor,
  type MessageLogEntry,
  type MessageTemplate,
  type ProviderSendResult,
  redactContactPoints,
  type RenderedMessage,
  renderMessage,
  type ReservationStanding,
  type SendOutcome,
  type SendPorts,
  type SendRequest,
  signUnsubscribeToken,
  type TemplateCatalog,
  TemplateNotFoundError,
  TemplateVariableInvalidError,
  TemplateVariableMissingError,
  throttleBackoffMs,
  type UnsubscribeKeyring,
  unsubscribeUrlFor,
} from '../../domain/messaging';

/** What the send path is configured with, built once at start-up. */
export interface SendSettings {
  config: ContactPolicyConfig;
  templates: TemplateCatalog;
  unsubscribe: { baseUrl: string; keyring: UnsubscribeKeyring };
  /** Uniform in [0, 1): the jitter of throttle backoff. */
  random: () => number;
  /** A fresh id per attempt: the fencing token of the reservation. Defaults to a random UUID. */
  newAttemptId?: () => string;
}

/**
 * The one send path. Every feature calls it with a validated {@link SendRequest}; it returns a
 * typed {@link SendOutcome} and records one message-log entry per call, whatever happens.
 *
 * Steps: (1) a key already sent, failed or in flight is answered from its reservation, before the
 * policy, so a retry of a sent message reports `duplicate` rather than being re-judged against a
 * budget its own first send used up; (2) profile and template; (3) the policy, {@link decideSend};
 * (4) render, with a signed one-click unsubscribe link for marketing email; (5) reserve the key
 * with a conditional write, mark it `sending`, call the provider through the channel's rate gate,
 * retrying throttles with jittered backoff, then mark it `sent` (or `failed` / `released`).
 *
 * Exactly-once: a crash before `sending` is recovered by a retry once the lease expires; a crash
 * during the provider call is reported `delivery-in-doubt`, never resent blindly (at-most-once;
 * see {@link ReservationState} for the reconciliation). Port errors are not swallowed: they
 * propagate so the caller's retry (Step Functions Retry) runs, and the reservation makes that
 * retry safe.
 *
 * Known limit: the budget is checked against history read before the send, so two different
 * keys for one user sent at the same instant could both pass. Journeys run one execution per user,
 * which serializes a user's sends; a feature that fans out to one user in parallel must not.
 */
export async function sendMessage(request: SendRequest, ports: SendPorts, clock: Clock, settings: SendSettings): Promise<SendOutcome> {
  const { config } = settings;
  const messageId = messageIdFor(request.idempotencyKey);
  const startedAt = clock.now();
  // Every way out records one log entry with what was known by then.
  const finish = async (outcome: SendOutcome, known: { decision?: Decision; profile?: ContactProfile } = {}): Promise<SendOutcome> => {
    await ports.messageLog.record(logEntry(request, messageId, outcome, known.decision, known.profile, config, clock.now()));
    return outcome;
  };

  const prior = classifyReservation(await ports.reservations.find(request.idempotencyKey), startedAt, config.reservation);
  if (prior.kind !== 'free') {
    return finish(outcomeForStanding(prior, messageId), { decision: idempotencyDecision(prior, startedAt) });
  }

  const profile = await ports.profiles.findContactProfile(request.userId);
  if (profile === undefined) {
    return finish({ kind: 'failed-permanent', messageId, code: 'unknown-user', detail: `no profile for user ${request.userId}` });
  }
  let template: MessageTemplate;
  try {
    template = findTemplate(settings.templates, request.templateId);
  } catch (error) {
    if (error instanceof TemplateNotFoundError) {
      return finish({ kind: 'failed-permanent', messageId, code: 'unknown-template', detail: error.message }, { profile });
    }
    throw error;
  }

  const contactPoint = contactPointFor(profile, request.channel);
  const [killSwitch, suppressions, recentContacts] = await Promise.all([
    ports.killSwitch.read(),
    ports.suppressions.listFor({
      userId: request.userId,
      channel: request.channel,
      contactPointFingerprint: contactPoint === undefined ? '' : contactPointFingerprint(request.channel, contactPoint),
    }),
    ports.contactHistory.listSince(request.userId, new Date(startedAt.getTime() - contactHistoryLookbackMs(config.disturbance))),
  ]);
  const policy = decideSend(request, { killSwitch, profile, suppressions, recentContacts }, startedAt, config);
  let decision: Decision = { ...policy, checks: [idempotencyCheck({ kind: 'free' }), ...policy.checks] };
  switch (policy.verdict.kind) {
    case 'skip':
      return finish({ kind: 'skipped', messageId, reason: policy.verdict.reason, detail: lastCheckDetail(policy) }, { decision, profile });
    case 'defer':
      return finish({ kind: 'deferred', messageId, until: policy.verdict.until, reason: policy.verdict.reason }, { decision, profile });
    case 'allow':
      break;
    default:
      return assertNever(policy.verdict);
  }
  if (contactPoint === undefined) throw new Error('policy allowed a send without a contact point');

  const locale: Locale = profile.locale ?? config.fallbackLocale;
  const isMarketingEmail = request.channel === 'email' && request.priority === 'non-core';
  const unsubscribeUrl = isMarketingEmail
    ? unsubscribeUrlFor(
        settings.unsubscribe.baseUrl,
        signUnsubscribeToken(
          { userId: request.userId, channel: 'email', expiresAt: new Date(startedAt.getTime() + config.unsubscribeTokenTtlDays * MS_PER_DAY) },
          settings.unsubscribe.keyring,
        ),
      )
    : undefined;
  let rendered: RenderedMessage;
  try {
    rendered = renderMessage(settings.templates, template, request.channel, locale, request.data, unsubscribeUrl === undefined ? {} : { unsubscribeUrl });
  } catch (error) {
    if (error instanceof TemplateVariableMissingError || error instanceof TemplateVariableInvalidError) {
      return finish({ kind: 'failed-permanent', messageId, code: 'template-error', detail: error.message }, { decision, profile });
    }
    throw error;
  }

  const attemptId = (settings.newAttemptId ?? randomUUID)();
  const reservedAt = clock.now();
  const reservation = await ports.reservations.reserve(
    request.idempotencyKey,
    {
      status: 'reserved',
      attemptId,
      reservedAt: reservedAt.toISOString(),
      leaseExpiresAt: new Date(reservedAt.getTime() + config.reservation.leaseSeconds * 1000).toISOString(),
    },
    reservedAt,
  );
  if (reservation.kind === 'already') {
    const standing = classifyReservation(reservation.state, reservedAt, config.reservation);
    decision = { ...decision, checks: [...decision.checks, idempotencyCheck(standing)] };
    return finish(outcomeForStanding(standing, messageId), { decision, profile });
  }
  const sending = await ports.reservations.transition(
    request.idempotencyKey,
    { status: 'reserved', attemptId },
    {
      status: 'sending',
      attemptId,
      sendingSince: clock.now().toISOString(),
      contact: { channel: request.channel, priority: request.priority, ...(request.touchId === undefined ? {} : { touchId: request.touchId }) },
    },
  );
  if (sending === 'conflict') {
    // Our lease ran out before we got here and another attempt took the key: it will send.
    return finish(
      { kind: 'failed-retryable', messageId, code: 'in-flight', detail: 'reservation lease lost to another attempt', retryAfterMs: 0 },
      { decision, profile },
    );
  }

  const attempts = config.throttleRetry.maxAttempts;
  for (let attempt = 0; ; attempt += 1) {
    await ports.rateGates[request.channel].acquire();
    const result = redactDetail(await deliver(rendered, contactPoint, request, messageId, unsubscribeUrl, ports));
    const at = clock.now().toISOString();
    const release = (detail: string) =>
      ports.reservations.transition(request.idempotencyKey, { status: 'sending', attemptId }, { status: 'released', attemptId, detail, releasedAt: at });
    switch (result.kind) {
      case 'accepted':
        await ports.reservations.transition(
          request.idempotencyKey,
          { status: 'sending', attemptId },
          { status: 'sent', attemptId, providerMessageId: result.providerMessageId, sentAt: at },
        );
        await ports.contactHistory.append(request.userId, {
          messageId,
          at,
          channel: request.channel,
          priority: request.priority,
          ...(request.touchId === undefined ? {} : { touchId: request.touchId }),
        });
        return finish({ kind: 'sent', messageId, providerMessageId: result.providerMessageId }, { decision, profile });
      case 'throttled': {
        const delayMs = throttleBackoffMs(attempt, config.throttleRetry, settings.random);
        if (attempt + 1 < attempts) {
          await ports.pause(delayMs);
          break;
        }
        await release(`throttled ${attempts} times: ${result.detail}`);
        return finish({ kind: 'failed-retryable', messageId, code: 'throttled', detail: result.detail, retryAfterMs: delayMs }, { decision, profile });
      }
      case 'retryable-error':
        await release(result.detail);
        return finish({ kind: 'failed-retryable', messageId, code: 'provider-error', detail: result.detail, retryAfterMs: 0 }, { decision, profile });
      case 'permanent-error':
        await ports.reservations.transition(
          request.idempotencyKey,
          { status: 'sending', attemptId },
          { status: 'failed', attemptId, detail: result.detail, failedAt: at },
        );
        return finish({ kind: 'failed-permanent', messageId, code: 'provider-rejected', detail: result.detail }, { decision, profile });
      default:
        return assertNever(result);
    }
  }
}

function deliver(
  rendered: RenderedMessage,
  contactPoint: string,
  request: SendRequest,
  messageId: string,
  unsubscribeUrl: string | undefined,
  ports: SendPorts,
): Promise<ProviderSendResult> {
  const base = {
    messageId,
    idempotencyKey: request.idempotencyKey,
    tags: { messageId, templateId: request.templateId, userId: request.userId },
  };
  switch (rendered.channel) {
    case 'email': {
      const unsubscribeHeaders = unsubscribeUrl === undefined ? [] : listUnsubscribeHeaders(unsubscribeUrl);
      return ports.senders.email.send({
        ...base,
        to: contactPoint,
        subject: rendered.subject,
        html: rendered.html,
        text: rendered.text,
        headers: unsubscribeHeaders,
      });
    }
    case 'sms':
      return ports.senders.sms.send({
        ...base,
        to: contactPoint,
        text: rendered.text,
        smsType: request.priority === 'core' ? 'Transactional' : 'Promotional',
      });
    case 'push':
      return ports.senders.push.send({ ...base, endpoint: contactPoint, title: rendered.title, body: rendered.body });
    default:
      return assertNever(rendered);
  }
}

/** Provider messages may quote the recipient; outcomes and logs must not. */
function redactDetail(result: ProviderSendResult): ProviderSendResult {
  return result.kind === 'accepted' ? result : { ...result, detail: redactContactPoints(result.detail) };
}

function idempotencyCheck(standing: ReservationStanding): Decision['checks'][number] {
  switch (standing.kind) {
    case 'free':
      return { name: 'idempotency', result: 'pass', detail: 'key free (never used, or released after a retryable failure)' };
    case 'already-sent':
      return { name: 'idempotency', result: 'block', detail: `already sent at ${standing.sentAt}` };
    case 'already-failed':
      return { name: 'idempotency', result: 'block', detail: `already failed for good: ${standing.detail}` };
    case 'in-flight':
      return { name: 'idempotency', result: 'block', detail: 'another attempt holds the key' };
    case 'in-doubt':
      return { name: 'idempotency', result: 'block', detail: `an attempt crashed during the provider call at ${standing.sendingSince}` };
    default:
      return assertNever(standing);
  }
}

function idempotencyDecision(standing: ReservationStanding, now: Date): Decision {
  return { evaluatedAt: now.toISOString(), checks: [idempotencyCheck(standing)], verdict: { kind: 'skip', reason: 'duplicate' } };
}

/** How a retry that found the key taken answers its caller. */
function outcomeForStanding(standing: ReservationStanding, messageId: string): SendOutcome {
  switch (standing.kind) {
    case 'already-sent':
      return { kind: 'skipped', messageId, reason: 'duplicate', detail: `already sent as ${standing.providerMessageId} at ${standing.sentAt}` };
    case 'already-failed':
      return { kind: 'failed-permanent', messageId, code: 'provider-rejected', detail: standing.detail };
    case 'in-flight':
      return { kind: 'failed-retryable', messageId, code: 'in-flight', detail: 'another attempt holds the key', retryAfterMs: standing.retryAfterMs };
    case 'in-doubt':
      return {
        kind: 'failed-permanent',
        messageId,
        code: 'delivery-in-doubt',
        detail: `an attempt crashed during the provider call at ${standing.sendingSince}; left to reconciliation, not resent`,
      };
    case 'free':
      // Reserving failed yet the stored state is free: the store changed under us. Try again.
      return { kind: 'failed-retryable', messageId, code: 'in-flight', detail: 'reservation raced; retry', retryAfterMs: 0 };
    default:
      return assertNever(standing);
  }
}

function lastCheckDetail(decision: Decision): string {
  return decision.checks[decision.checks.length - 1]?.detail ?? '';
}

function logEntry(
  request: SendRequest,
  messageId: string,
  outcome: SendOutcome,
  decision: Decision | undefined,
  profile: ContactProfile | undefined,
  config: ContactPolicyConfig,
  recordedAt: Date,
): MessageLogEntry {
  const contactPoint = profile === undefined ? undefined : contactPointFor(profile, request.channel);
  return {
    messageId,
    userId: request.userId,
    channel: request.channel,
    templateId: request.templateId,
    priority: request.priority,
    source: request.source,
    idempotencyKey: request.idempotencyKey,
    ...(profile === undefined ? {} : { locale: profile.locale ?? config.fallbackLocale }),
    ...(contactPoint === undefined ? {} : { contactPoint: maskContactPoint(request.channel, contactPoint) }),
    ...(decision === undefined ? {} : { decision }),
    outcome,
    recordedAt: recordedAt.toISOString(),
  };
}
