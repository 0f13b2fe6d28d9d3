import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  channels,
  contactPointFingerprint,
  decideSend,
  defaultContactPolicyConfig,
  type Channel,
  type ContactRecord,
  type KillSwitchState,
  type PolicyRequest,
  type SendFacts,
  type SuppressionEntry,
} from '../../../shared/domain/messaging';
import { consentingProfile, shanghaiNoon } from './support/fixtures';

const config = defaultContactPolicyConfig;
const now = new Date(shanghaiNoon);
const killSwitchOn: KillSwitchState = { active: true, reason: 'DAU down 3 days', since: '2025-06-01T00:00:00.000Z', by: 'stop-flow' };

function facts(overrides: Partial<SendFacts> = {}): SendFacts {
  return { killSwitch: { active: false }, profile: consentingProfile(), suppressions: [], recentContacts: [], ...overrides };
}

function request(overrides: Partial<PolicyRequest> = {}): PolicyRequest {
  return { userId: 'user-1', channel: 'email', priority: 'non-core', onQuietHours: 'defer', ...overrides };
}

const arbitraryChannel = fc.constantFrom<Channel>(...channels);
const arbitraryPriority = fc.constantFrom('core' as const, 'non-core' as const);
const arbitraryConsent = fc.constantFrom('granted' as const, 'denied' as const, 'unknown' as const);
const arbitraryInstant = fc.date({ min: new Date('2025-01-01T00:00:00Z'), max: new Date('2026-01-01T00:00:00Z'), noInvalidDate: true });
const arbitraryFacts = fc.record({
  killSwitchOn: fc.boolean(),
  consents: fc.record({ email: arbitraryConsent, sms: arbitraryConsent, push: arbitraryConsent }),
  timeZone: fc.constantFrom('Asia/Shanghai', 'America/New_York', 'Pacific/Auckland'),
  highValue: fc.boolean(),
});

describe('decideSend: the contact policy', () => {
  it('allows a consenting, unsuppressed user at noon, recording every check in order', () => {
    // Act
    const decision = decideSend(request(), facts(), now, config);
    // Assess
    expect(decision.verdict).toEqual({ kind: 'allow' });
    expect(decision.checks.map((check) => [check.name, check.result])).toEqual([
      ['kill-switch', 'pass'],
      ['global-control', 'pass'],
      ['contact-point', 'pass'],
      ['consent', 'pass'],
      ['suppression', 'pass'],
      ['quiet-hours', 'pass'],
      ['disturbance-budget', 'pass'],
    ]);
    expect(decision.evaluatedAt).toBe(shanghaiNoon);
  });

  it('the kill switch stops non-core first, before any other check', () => {
    const decision = decideSend(request(), facts({ killSwitch: killSwitchOn, profile: consentingProfile({ email: undefined }) }), now, config);
    expect(decision.verdict).toEqual({ kind: 'skip', reason: 'kill-switch' });
    expect(decision.checks).toHaveLength(1);
    expect(decision.checks[0]?.detail).toContain('DAU down 3 days');
  });

  it('property: with the kill switch on no non-core message is allowed, and core is never stopped by it', () => {
    fc.assert(
      fc.property(arbitraryChannel, arbitraryPriority, arbitraryFacts, arbitraryInstant, (channel, priority, drawn, at) => {
        // Prepare
        const profile = consentingProfile({ consents: drawn.consents, timeZone: drawn.timeZone, highValue: drawn.highValue });
        // Act
        const decision = decideSend(request({ channel, priority }), facts({ killSwitch: killSwitchOn, profile }), at, config);
        // Assess
        if (priority === 'non-core') expect(decision.verdict).toEqual({ kind: 'skip', reason: 'kill-switch' });
        else expect(decision.checks[0]).toMatchObject({ name: 'kill-switch', result: 'bypassed' });
      }),
    );
  });

  it('non-core needs consent granted; unknown is not consent', () => {
    const profile = consentingProfile({ consents: { email: 'unknown', sms: 'granted', push: 'granted' } });
    expect(decideSend(request(), facts({ profile }), now, config).verdict).toEqual({ kind: 'skip', reason: 'no-consent' });
  });

  it('core email needs no marketing consent, but core SMS and push respect a denied channel', () => {
    const profile = consentingProfile({ consents: { email: 'denied', sms: 'denied', push: 'unknown' } });
    expect(decideSend(request({ priority: 'core' }), facts({ profile }), now, config).verdict).toEqual({ kind: 'allow' });
    expect(decideSend(request({ priority: 'core', channel: 'sms' }), facts({ profile }), now, config).verdict).toEqual({ kind: 'skip', reason: 'no-consent' });
    expect(decideSend(request({ priority: 'core', channel: 'push' }), facts({ profile }), now, config).verdict).toEqual({ kind: 'allow' });
  });

  it('a user without an address on the channel is skipped with no-contact-point', () => {
    const profile = consentingProfile({ phone: undefined });
    expect(decideSend(request({ channel: 'sms' }), facts({ profile }), now, config).verdict).toEqual({ kind: 'skip', reason: 'no-contact-point' });
  });

  it('a hard bounce suppresses the address for core messages too, whatever its spelling', () => {
    // Prepare: the bounce came back for the address as SES wrote it.
    const bounce: SuppressionEntry = {
      kind: 'hard-bounce',
      channel: 'email',
      contactPointFingerprint: contactPointFingerprint('email', ' Alice.Smith@EXAMPLE.com'),
      at: '2025-05-01T00:00:00.000Z',
    };
    // Act
    const core = decideSend(request({ priority: 'core' }), facts({ suppressions: [bounce] }), now, config);
    const sms = decideSend(request({ channel: 'sms' }), facts({ suppressions: [bounce] }), now, config);
    // Assess
    expect(core.verdict).toEqual({ kind: 'skip', reason: 'suppressed' });
    expect(sms.verdict).toEqual({ kind: 'allow' });
  });

  it('a complaint stops marketing on every channel; an unsubscribe only on its channel; core passes both', () => {
    const complaint: SuppressionEntry = { kind: 'complaint', userId: 'user-1', at: '2025-05-01T00:00:00.000Z' };
    const unsubscribe: SuppressionEntry = { kind: 'unsubscribe', userId: 'user-1', channel: 'email', at: '2025-05-01T00:00:00.000Z' };
    expect(decideSend(request({ channel: 'push' }), facts({ suppressions: [complaint] }), now, config).verdict).toEqual({ kind: 'skip', reason: 'suppressed' });
    expect(decideSend(request(), facts({ suppressions: [unsubscribe] }), now, config).verdict).toEqual({ kind: 'skip', reason: 'unsubscribed' });
    expect(decideSend(request({ channel: 'sms' }), facts({ suppressions: [unsubscribe] }), now, config).verdict).toEqual({ kind: 'allow' });
    expect(decideSend(request({ priority: 'core' }), facts({ suppressions: [complaint, unsubscribe] }), now, config).verdict).toEqual({ kind: 'allow' });
  });

  it('the reported suppression reason does not depend on the order of the list', () => {
    const complaint: SuppressionEntry = { kind: 'complaint', userId: 'user-1', at: '2025-05-01T00:00:00.000Z' };
    const sunset: SuppressionEntry = { kind: 'sunset', userId: 'user-1', at: '2025-05-02T00:00:00.000Z' };
    expect(decideSend(request(), facts({ suppressions: [sunset, complaint] }), now, config).verdict).toEqual({ kind: 'skip', reason: 'suppressed' });
    expect(decideSend(request(), facts({ suppressions: [sunset] }), now, config).verdict).toEqual({ kind: 'skip', reason: 'sunset' });
  });

  it('another user’s complaint or unsubscribe does not affect this user', () => {
    const others: SuppressionEntry[] = [
      { kind: 'complaint', userId: 'user-2', at: '2025-05-01T00:00:00.000Z' },
      { kind: 'unsubscribe', userId: 'user-2', channel: 'email', at: '2025-05-01T00:00:00.000Z' },
    ];
    expect(decideSend(request(), facts({ suppressions: others }), now, config).verdict).toEqual({ kind: 'allow' });
  });

  it('property: an unsubscribed, complained, sunset or bounced user never gets a marketing message allowed', () => {
    fc.assert(
      fc.property(
        arbitraryChannel,
        arbitraryFacts,
        arbitraryInstant,
        fc.constantFrom('complaint', 'unsubscribe', 'sunset', 'hard-bounce'),
        (channel, drawn, at, kind) => {
          // Prepare
          const profile = consentingProfile({ consents: drawn.consents, timeZone: drawn.timeZone, highValue: drawn.highValue });
          const address = channel === 'email' ? profile.email : channel === 'sms' ? profile.phone : profile.pushEndpoint;
          const entry: SuppressionEntry =
            kind === 'hard-bounce'
              ? { kind, channel, contactPointFingerprint: contactPointFingerprint(channel, address ?? ''), at: '2025-01-01T00:00:00.000Z' }
              : kind === 'unsubscribe'
                ? { kind, userId: 'user-1', channel, at: '2025-01-01T00:00:00.000Z' }
                : { kind, userId: 'user-1', at: '2025-01-01T00:00:00.000Z' };
          const killSwitch: KillSwitchState = drawn.killSwitchOn ? killSwitchOn : { active: false };
          // Act
          const decision = decideSend(request({ channel }), facts({ profile, killSwitch, suppressions: [entry] }), at, config);
          // Assess
          expect(decision.verdict.kind).toBe('skip');
        },
      ),
    );
  });

  it('quiet hours defer non-core to 09:00 local, or drop it when the caller says so; core is not held', () => {
    // Prepare: 22:00 in Shanghai.
    const night = new Date('2025-06-02T14:00:00.000Z');
    // Act
    const deferred = decideSend(request(), facts(), night, config);
    const dropped = decideSend(request({ onQuietHours: 'drop' }), facts(), night, config);
    const core = decideSend(request({ priority: 'core' }), facts(), night, config);
    // Assess
    expect(deferred.verdict).toEqual({ kind: 'defer', until: '2025-06-03T01:00:00.000Z', reason: 'quiet-hours' });
    expect(dropped.verdict).toEqual({ kind: 'skip', reason: 'quiet-hours' });
    expect(core.verdict).toEqual({ kind: 'allow' });
  });

  it('an unknown or missing timezone falls back to the configured zone (UTC by default)', () => {
    // Prepare: 22:00 UTC is 06:00 in Shanghai, so only the fallback makes it quiet.
    const lateUtc = new Date('2025-06-02T22:00:00.000Z');
    // Act
    const unknownZone = decideSend(request(), facts({ profile: consentingProfile({ timeZone: 'Mars/Olympus_Mons' }) }), lateUtc, config);
    const noZone = decideSend(request(), facts({ profile: consentingProfile({ timeZone: undefined }) }), lateUtc, config);
    // Assess
    expect(unknownZone.verdict).toEqual({ kind: 'defer', until: '2025-06-03T09:00:00.000Z', reason: 'quiet-hours' });
    expect(noZone.verdict).toEqual(unknownZone.verdict);
  });
});

describe('decideSend: the disturbance budget', () => {
  const hoursAgo = (hours: number, channel: Channel = 'email', priority: 'core' | 'non-core' = 'non-core'): ContactRecord => ({
    messageId: `m-${hours}-${channel}-${priority}`,
    at: new Date(now.getTime() - hours * 3_600_000).toISOString(),
    channel,
    priority,
  });

  it('one marketing contact in the last 24 hours blocks another', () => {
    const decision = decideSend(request(), facts({ recentContacts: [hoursAgo(23)] }), now, config);
    expect(decision.verdict).toEqual({ kind: 'skip', reason: 'budget' });
    expect(decision.checks.at(-1)?.detail).toContain('per-day');
  });

  it('three marketing contacts in 7 days block a fourth; two already block a high-value user', () => {
    // Prepare: contacts 2, 4 and 6 days ago. Index now: 2^-1 + 2^-2 + 2^-3 = 0.875, +1 = 1.875 ≤ 2.5.
    const three = [hoursAgo(48), hoursAgo(96), hoursAgo(144)];
    const two = [hoursAgo(48), hoursAgo(96)];
    // Act / Assess
    expect(decideSend(request(), facts({ recentContacts: three }), now, config).verdict).toEqual({ kind: 'skip', reason: 'budget' });
    expect(decideSend(request(), facts({ recentContacts: two }), now, config).verdict).toEqual({ kind: 'allow' });
    const topDecile = consentingProfile({ valueDecile: 10 });
    expect(decideSend(request(), facts({ recentContacts: two, profile: topDecile }), now, config).verdict).toEqual({ kind: 'skip', reason: 'budget' });
    const flagged = consentingProfile({ highValue: true, valueDecile: 3 });
    expect(decideSend(request(), facts({ recentContacts: two, profile: flagged }), now, config).verdict).toEqual({ kind: 'skip', reason: 'budget' });
  });

  it('the decayed index stops an SMS right after an email, but not once the email has decayed', () => {
    // Email 30 h ago weighs 2^(-30/48) ≈ 0.648; + SMS 2 = 2.648 > 2.5. At 48 h: 0.5 + 2 = 2.5 ≤ 2.5.
    expect(decideSend(request({ channel: 'sms' }), facts({ recentContacts: [hoursAgo(30)] }), now, config).verdict).toEqual({ kind: 'skip', reason: 'budget' });
    expect(decideSend(request({ channel: 'sms' }), facts({ recentContacts: [hoursAgo(48)] }), now, config).verdict).toEqual({ kind: 'allow' });
  });

  it('core contacts raise the index but do not use up the marketing caps; core sends ignore the budget', () => {
    // Two core emails 25 h ago: 2 × 0.5 × 2^(-25/48) ≈ 0.697; + 1 = 1.697 ≤ 2.5, caps untouched.
    const coreOnly = [hoursAgo(25, 'email', 'core'), hoursAgo(25.5, 'email', 'core')];
    expect(decideSend(request(), facts({ recentContacts: coreOnly }), now, config).verdict).toEqual({ kind: 'allow' });
    const saturated = [hoursAgo(1), hoursAgo(2), hoursAgo(3)];
    expect(decideSend(request({ priority: 'core' }), facts({ recentContacts: saturated }), now, config).verdict).toEqual({ kind: 'allow' });
  });

  it('the channels of one touch count once: an email and a push of one step both pass the 1-a-day cap', () => {
    // Prepare: the email of touch t1 left a minute ago.
    const email: ContactRecord = { ...hoursAgo(1 / 60), touchId: 'exec:1' };
    // Act
    const samePush = decideSend(request({ channel: 'push', touchId: 'exec:1' }), facts({ recentContacts: [email] }), now, config);
    const otherPush = decideSend(request({ channel: 'push', touchId: 'exec:2' }), facts({ recentContacts: [email] }), now, config);
    const untouchedPush = decideSend(request({ channel: 'push' }), facts({ recentContacts: [email] }), now, config);
    // Assess
    expect(samePush.verdict).toEqual({ kind: 'allow' });
    expect(samePush.checks.at(-1)?.detail).toContain('marketing touches last 24h 1/1');
    expect(otherPush.verdict).toEqual({ kind: 'skip', reason: 'budget' });
    expect(untouchedPush.verdict).toEqual({ kind: 'skip', reason: 'budget' });
  });

  it('a touch counts in the index once, at its heaviest channel; a repeated channel is a new touch', () => {
    // Prepare: email (1) and SMS (2) of one touch just now weigh 2, not 3: a push (0.5) of the same
    // touch still fits 2.5, but a second email under the same touch id is a touch of its own.
    const touch = [
      { ...hoursAgo(0), messageId: 'e', touchId: 't' },
      { ...hoursAgo(0, 'sms'), messageId: 's', touchId: 't' },
    ];
    // Act
    const push = decideSend(request({ channel: 'push', touchId: 't' }), facts({ recentContacts: touch }), now, config);
    const secondEmail = decideSend(request({ channel: 'email', touchId: 't' }), facts({ recentContacts: touch }), now, config);
    // Assess
    expect(push.verdict).toEqual({ kind: 'allow' });
    expect(push.checks.at(-1)?.detail).toContain('index after send 2.00/2.5');
    expect(secondEmail.verdict).toEqual({ kind: 'skip', reason: 'budget' });
    expect(secondEmail.checks.at(-1)?.detail).toContain('per-day');
  });

  it('property: no sequence of sends exceeds the daily and weekly caps or the index ceiling', () => {
    const WEEK_MS = 7 * 86_400_000;
    fc.assert(
      fc.property(
        fc.array(fc.record({ gapMinutes: fc.integer({ min: 0, max: 3 * 24 * 60 }), channel: arbitraryChannel, priority: arbitraryPriority }), {
          minLength: 1,
          maxLength: 60,
        }),
        fc.boolean(),
        (attempts, highValue) => {
          // Prepare: a user who consents to everything; quiet hours off so only the budget decides.
          const policy = { ...config, quietHours: { ...config.quietHours, enabled: false } };
          const profile = consentingProfile({ highValue });
          const budget = highValue ? policy.disturbance.highValue : policy.disturbance.standard;
          const history: ContactRecord[] = [];
          let at = new Date('2025-06-01T00:00:00.000Z').getTime();
          // Act
          attempts.forEach((attempt, index) => {
            at += attempt.gapMinutes * 60_000;
            const decision = decideSend(
              request({ channel: attempt.channel, priority: attempt.priority }),
              facts({ profile, recentContacts: history }),
              new Date(at),
              policy,
            );
            if (decision.verdict.kind === 'allow') {
              history.push({ messageId: `m${index}`, at: new Date(at).toISOString(), channel: attempt.channel, priority: attempt.priority });
            }
          });
          // Assess: every rolling window ending at a marketing send holds at most the cap.
          const marketing = history.filter((contact) => contact.priority === 'non-core').map((contact) => Date.parse(contact.at));
          for (const end of marketing) {
            expect(marketing.filter((t) => t > end - 86_400_000 && t <= end).length).toBeLessThanOrEqual(budget.maxPerDay);
            expect(marketing.filter((t) => t > end - WEEK_MS && t <= end).length).toBeLessThanOrEqual(budget.maxPerWeek);
            const halfLifeMs = policy.disturbance.halfLifeHours * 3_600_000;
            const indexAtSend = history
              .filter((contact) => Date.parse(contact.at) <= end)
              .reduce((sum, contact) => {
                const weight = policy.disturbance.channelWeights[contact.channel] * (contact.priority === 'core' ? policy.disturbance.coreContactFactor : 1);
                return sum + weight * 0.5 ** ((end - Date.parse(contact.at)) / halfLifeMs);
              }, 0);
            // Core sends at the same instant may add after the check; only non-core were checked.
            const coreSameInstant = history.filter((c) => c.priority === 'core' && Date.parse(c.at) === end).length;
            if (coreSameInstant === 0) expect(indexAtSend).toBeLessThanOrEqual(budget.maxIndex + 1e-9);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('property: any sequence of multi-channel touches stays within the budget counted in touches', () => {
    const WEEK_MS = 7 * 86_400_000;
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            gapMinutes: fc.integer({ min: 0, max: 3 * 24 * 60 }),
            // Repeats allowed: a channel repeated under one touch id must count as a new touch.
            channels: fc.array(arbitraryChannel, { minLength: 1, maxLength: 4 }),
            secondsBetweenChannels: fc.integer({ min: 0, max: 120 }),
            priority: arbitraryPriority,
            withTouchId: fc.boolean(),
          }),
          { minLength: 1, maxLength: 40 },
        ),
        fc.boolean(),
        (touches, highValue) => {
          // Prepare: quiet hours off so only the budget decides.
          const policy = { ...config, quietHours: { ...config.quietHours, enabled: false } };
          const profile = consentingProfile({ highValue });
          const budget = highValue ? policy.disturbance.highValue : policy.disturbance.standard;
          const history: ContactRecord[] = [];
          // The touch each sent message belongs to: it joins its touch id's open touch unless that
          // touch already used the channel, which opens a new one.
          const touchOf = new Map<string, string>();
          const openTouch = new Map<string, { key: string; channels: Set<string> }>();
          let at = new Date('2025-06-01T00:00:00.000Z').getTime();
          // Act: each touch sends its channels one after another, as a journey step does.
          touches.forEach((touch, t) => {
            at += touch.gapMinutes * 60_000;
            touch.channels.forEach((channel, c) => {
              const sentAt = at + c * touch.secondsBetweenChannels * 1000;
              const touchId = touch.withTouchId ? `touch-${t}` : undefined;
              const decision = decideSend(
                request({ channel, priority: touch.priority, touchId }),
                facts({ profile, recentContacts: history }),
                new Date(sentAt),
                policy,
              );
              if (decision.verdict.kind !== 'allow') return;
              const messageId = `m${t}-${c}`;
              history.push({ messageId, at: new Date(sentAt).toISOString(), channel, priority: touch.priority, ...(touchId === undefined ? {} : { touchId }) });
              if (touchId === undefined) {
                touchOf.set(messageId, messageId);
                return;
              }
              let open = openTouch.get(touchId);
              if (open === undefined || open.channels.has(channel)) {
                open = { key: messageId, channels: new Set() };
                openTouch.set(touchId, open);
              }
              open.channels.add(channel);
              touchOf.set(messageId, open.key);
            });
            at += touch.channels.length * touch.secondsBetweenChannels * 1000;
          });
          // Assess: in every rolling window ending at a marketing send, distinct marketing touches
          // stay within the caps; the index, each touch at its heaviest decayed channel, within the
          // ceiling: so a touch's several channels never take the user over the budget either.
          const halfLifeMs = policy.disturbance.halfLifeHours * 3_600_000;
          const marketing = history.filter((contact) => contact.priority === 'non-core');
          for (const end of marketing.map((contact) => Date.parse(contact.at))) {
            const touchesWithin = (windowMs: number) =>
              new Set(marketing.filter((c) => Date.parse(c.at) > end - windowMs && Date.parse(c.at) <= end).map((c) => touchOf.get(c.messageId))).size;
            expect(touchesWithin(86_400_000)).toBeLessThanOrEqual(budget.maxPerDay);
            expect(touchesWithin(WEEK_MS)).toBeLessThanOrEqual(budget.maxPerWeek);
            const heaviest = new Map<string, number>();
            for (const contact of history.filter((c) => Date.parse(c.at) <= end)) {
              const weight =
                policy.disturbance.channelWeights[contact.channel] *
                (contact.priority === 'core' ? policy.disturbance.coreContactFactor : 1) *
                0.5 ** ((end - Date.parse(contact.at)) / halfLifeMs);
              const key = touchOf.get(contact.messageId)!;
              heaviest.set(key, Math.max(heaviest.get(key) ?? 0, weight));
            }
            const indexAtSend = [...heaviest.values()].reduce((sum, weight) => sum + weight, 0);
            const coreSameInstant = history.filter((c) => c.priority === 'core' && Date.parse(c.at) === end).length;
            if (coreSameInstant === 0) expect(indexAtSend).toBeLessThanOrEqual(budget.maxIndex + 1e-9);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
