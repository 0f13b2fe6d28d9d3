import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_GLOBAL_CONTROL, isInGlobalControl } from '../../../shared/domain/experiments';
import { channels, decideSend, defaultContactPolicyConfig, type Channel, type SendFacts } from '../../../shared/domain/messaging';
import { consentingProfile, shanghaiNoon } from '../messaging/support/fixtures';

const facts: SendFacts = { killSwitch: { active: false }, profile: consentingProfile(), suppressions: [], recentContacts: [] };
const now = new Date(shanghaiNoon);
const USERS = Array.from({ length: 2_000 }, (_, index) => `gc-${index}`);
const inControl = USERS.filter((userId) => isInGlobalControl(userId, DEFAULT_GLOBAL_CONTROL));
const outside = USERS.filter((userId) => !isInGlobalControl(userId, DEFAULT_GLOBAL_CONTROL));

describe('the send path keeps the global control group free of marketing', () => {
  it('property: no non-core message reaches a user of the global control group, on any channel', () => {
    fc.assert(
      fc.property(fc.constantFrom(...inControl), fc.constantFrom<Channel>(...channels), (userId, channel) => {
        // Act
        const decision = decideSend({ userId, channel, priority: 'non-core', onQuietHours: 'defer' }, facts, now, defaultContactPolicyConfig);
        // Assess
        expect(decision.verdict).toEqual({ kind: 'skip', reason: 'global-control' });
        expect(decision.checks.at(-1)).toMatchObject({ name: 'global-control', result: 'block' });
      }),
      { seed: 5 },
    );
  });

  it('property: core messages reach them, and marketing reaches everyone outside the group', () => {
    fc.assert(
      fc.property(fc.constantFrom(...inControl), fc.constantFrom(...outside), (controlUser, otherUser) => {
        // Act
        const core = decideSend({ userId: controlUser, channel: 'email', priority: 'core', onQuietHours: 'defer' }, facts, now, defaultContactPolicyConfig);
        const marketing = decideSend(
          { userId: otherUser, channel: 'email', priority: 'non-core', onQuietHours: 'defer' },
          facts,
          now,
          defaultContactPolicyConfig,
        );
        // Assess
        expect(core.verdict).toEqual({ kind: 'allow' });
        expect(core.checks).toContainEqual({ name: 'global-control', result: 'bypassed', detail: 'core message' });
        expect(marketing.verdict).toEqual({ kind: 'allow' });
      }),
      { seed: 5 },
    );
  });

  it('holds about 5% of users by default, and nobody with a share of 0', () => {
    // Assess
    expect(inControl.length / USERS.length).toBeGreaterThan(0.035);
    expect(inControl.length / USERS.length).toBeLessThan(0.065);
    const none = { ...defaultContactPolicyConfig, globalControl: { share: 0, salt: DEFAULT_GLOBAL_CONTROL.salt } };
    expect(decideSend({ userId: inControl[0]!, channel: 'email', priority: 'non-core', onQuietHours: 'defer' }, facts, now, none).verdict).toEqual({
      kind: 'allow',
    });
  });
});
