import { assertNever } from '../common';
import { isInGlobalControl } from '../experiments/assignment';
import type { ConsentState } from './channel';
import type { ContactPolicyConfig } from './contact-policy-config';
import { contactPointFingerprint } from './contact-point';
import { contactPointFor, type ContactProfile } from './contact-profile';
import type { ContactRecord } from './contact-record';
import type { Decision, PolicyCheck, PolicyCheckName, PolicyVerdict } from './decision';
import { checkContactBudget, isHighValue } from './disturbance-index';
import type { KillSwitchState } from './kill-switch';
import { isKnownTimeZone } from './local-time';
import { checkQuietHours } from './quiet-hours';
import type { SendRequest } from './send-request';
import type { SkipReason } from './send-outcome';
import type { SuppressionEntry } from './suppression';

/** Everything the policy needs to know, gathered by the send path through its ports. */
export interface SendFacts {
  killSwitch: KillSwitchState;
  profile: ContactProfile;
  /** Entries for this user and for the contact point; the policy re-checks that they apply. */
  suppressions: readonly SuppressionEntry[];
  /** Contacts that left for this user within {@link contactHistoryLookbackMs}. */
  recentContacts: readonly ContactRecord[];
}

export type PolicyRequest = Pick<SendRequest, 'userId' | 'channel' | 'priority' | 'onQuietHours' | 'touchId'>;

/**
 * The contact policy: one pure decision per message, each check recorded in order.
 *
 * 1. Kill switch: while on, non-core is skipped; core passes. Then the global control group:
 *    its users get no non-core message at all; core passes.
 * 2. Contact point: the user must have an address on the channel.
 * 3. Consent: non-core needs consent `granted` on the channel. Core email needs no marketing
 *    consent (it is part of the service the user signed up for); core SMS and push are refused
 *    when the user has `denied` the channel, because switching a channel off means all of it.
 * 4. Suppression: a hard bounce on the address stops everything to that address, core included
 *    (it cannot arrive and hurts the sender's reputation). A complaint stops all marketing to the
 *    user; an unsubscribe stops marketing on its channel; a sunset stops all marketing. Core
 *    messages pass those three: they are about the user's own account, not promotion.
 * 5. Quiet hours in the user's timezone: non-core is deferred to the end of the window or dropped,
 *    per `onQuietHours`; core passes.
 * 6. Disturbance budget: non-core must fit the per-day and per-week caps and the decayed index
 *    ceiling (stricter for high-value users), counted in touches: the channels of one touch
 *    (same `touchId`) count once; core passes.
 */
export function decideSend(request: PolicyRequest, facts: SendFacts, now: Date, config: ContactPolicyConfig): Decision {
  const checks: PolicyCheck[] = [];
  const record = (name: PolicyCheckName, result: PolicyCheck['result'], detail: string) => checks.push({ name, result, detail });
  const conclude = (verdict: PolicyVerdict): Decision => ({ evaluatedAt: now.toISOString(), checks, verdict });
  const skip = (reason: SkipReason) => conclude({ kind: 'skip', reason });
  const isCore = request.priority === 'core';

  if (facts.killSwitch.active) {
    if (!isCore) {
      record('kill-switch', 'block', `kill switch on since ${facts.killSwitch.since}: ${facts.killSwitch.reason}`);
      return skip('kill-switch');
    }
    record('kill-switch', 'bypassed', 'kill switch on, core message passes');
  } else {
    record('kill-switch', 'pass', 'kill switch off');
  }

  if (isCore) {
    record('global-control', 'bypassed', 'core message');
  } else if (isInGlobalControl(request.userId, config.globalControl)) {
    record('global-control', 'block', `in the global control group (${config.globalControl.share * 100}% of users get no marketing)`);
    return skip('global-control');
  } else {
    record('global-control', 'pass', 'not in the global control group');
  }

  const contactPoint = contactPointFor(facts.profile, request.channel);
  if (contactPoint === undefined) {
    record('contact-point', 'block', `no ${request.channel} contact point`);
    return skip('no-contact-point');
  }
  record('contact-point', 'pass', `${request.channel} contact point present`);

  const consent: ConsentState = facts.profile.consents[request.channel];
  const consentAllows = isCore ? request.channel === 'email' || consent !== 'denied' : consent === 'granted';
  if (!consentAllows) {
    record('consent', 'block', `${request.channel} consent is ${consent}`);
    return skip('no-consent');
  }
  record('consent', 'pass', `${request.channel} consent is ${consent}${isCore ? ' (core)' : ''}`);

  const suppression = findSuppression(request, contactPoint, facts.suppressions);
  if (suppression !== undefined) {
    record('suppression', 'block', suppression.detail);
    return skip(suppression.reason);
  }
  record('suppression', 'pass', isCore ? 'address not bounced (marketing suppressions do not apply to core)' : 'not suppressed');

  if (isCore) {
    record('quiet-hours', 'bypassed', 'core message');
  } else {
    const timeZone = facts.profile.timeZone !== undefined && isKnownTimeZone(facts.profile.timeZone) ? facts.profile.timeZone : config.fallbackTimeZone;
    const quiet = checkQuietHours(now, timeZone, config.quietHours);
    if (quiet.kind === 'inside') {
      const window = `${config.quietHours.start}-${config.quietHours.end}`;
      if (request.onQuietHours === 'drop') {
        record('quiet-hours', 'block', `local time ${quiet.localTime} in ${timeZone} is inside ${window}; dropped`);
        return skip('quiet-hours');
      }
      const until = quiet.allowedFrom.toISOString();
      record('quiet-hours', 'defer', `local time ${quiet.localTime} in ${timeZone} is inside ${window}; deferred to ${until}`);
      return conclude({ kind: 'defer', until, reason: 'quiet-hours' });
    }
    record('quiet-hours', 'pass', `local time ${quiet.localTime} in ${timeZone}`);
  }

  if (isCore) {
    record('disturbance-budget', 'bypassed', 'core message');
  } else {
    const highValue = isHighValue(facts.profile, config.disturbance);
    const budget = checkContactBudget(request, facts.recentContacts, highValue, now, config.disturbance);
    const measured =
      `${highValue ? 'high-value' : 'standard'} budget; marketing touches last 24h ${budget.lastDay}/${budget.budget.maxPerDay}, ` +
      `last 7d ${budget.lastWeek}/${budget.budget.maxPerWeek}, index after send ${budget.indexAfter.toFixed(2)}/${budget.budget.maxIndex}`;
    if (budget.kind === 'exceeded') {
      record('disturbance-budget', 'block', `${budget.limit} limit reached: ${measured}`);
      return skip('budget');
    }
    record('disturbance-budget', 'pass', measured);
  }

  return conclude({ kind: 'allow' });
}

function findSuppression(
  request: PolicyRequest,
  contactPoint: string,
  entries: readonly SuppressionEntry[],
): { reason: SkipReason; detail: string } | undefined {
  const fingerprint = contactPointFingerprint(request.channel, contactPoint);
  const bounce = entries.find((entry) => entry.kind === 'hard-bounce' && entry.channel === request.channel && entry.contactPointFingerprint === fingerprint);
  if (bounce) return { reason: 'suppressed', detail: `${request.channel} address hard-bounced at ${bounce.at}` };
  if (request.priority === 'core') return undefined;
  // Collected first, then ranked, so the logged reason does not depend on the order of the list.
  const found: Partial<Record<'complaint' | 'unsubscribe' | 'sunset', { reason: SkipReason; detail: string }>> = {};
  for (const entry of entries) {
    switch (entry.kind) {
      case 'hard-bounce':
        break;
      case 'complaint':
        if (entry.userId === request.userId) found.complaint = { reason: 'suppressed', detail: `complaint at ${entry.at} stops all marketing` };
        break;
      case 'unsubscribe':
        if (entry.userId === request.userId && entry.channel === request.channel) {
          found.unsubscribe = { reason: 'unsubscribed', detail: `unsubscribed from ${entry.channel} at ${entry.at}` };
        }
        break;
      case 'sunset':
        if (entry.userId === request.userId) found.sunset = { reason: 'sunset', detail: `sunset at ${entry.at} stops all marketing` };
        break;
      default:
        return assertNever(entry);
    }
  }
  return found.complaint ?? found.unsubscribe ?? found.sunset;
}
