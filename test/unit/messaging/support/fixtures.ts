import { createUnsubscribeKeyring, defaultContactPolicyConfig, type ContactProfile, type SendRequest } from '../../../../shared/domain/messaging';
import type { SendSettings } from '../../../../shared/application/messaging/send-message';
import { messageTemplates } from '../../../../shared/templates';

/** A user who agreed to everything, in Shanghai, not high-value. */
export function consentingProfile(overrides: Partial<ContactProfile> = {}): ContactProfile {
  return {
    userId: 'user-1',
    email: 'alice.smith@example.com',
    phone: '+8613812345678',
    pushEndpoint: 'arn:aws:sns:us-east-1:123456789012:endpoint/APNS/app/0f1e2d3c',
    timeZone: 'Asia/Shanghai',
    locale: 'en',
    consents: { email: 'granted', sms: 'granted', push: 'granted' },
    highValue: false,
    ...overrides,
  };
}

export const testMessageData = { firstName: 'Alice', sentBy: 'ops', appUrl: 'https://app.example.com/' };

export function marketingEmailRequest(overrides: Partial<SendRequest> = {}): SendRequest {
  return {
    userId: 'user-1',
    channel: 'email',
    templateId: 'test-message',
    data: testMessageData,
    priority: 'non-core',
    idempotencyKey: 'exec-1:step-1',
    onQuietHours: 'defer',
    source: { kind: 'journey', journeyId: 'journey-1', executionName: 'exec-1', step: 'step-1' },
    ...overrides,
  };
}

export const testKeyring = createUnsubscribeKeyring({ id: 'k1', secret: new Uint8Array(32).fill(7) });

export function testSettings(overrides: Partial<SendSettings> = {}): SendSettings {
  let attempt = 0;
  return {
    config: defaultContactPolicyConfig,
    templates: messageTemplates,
    unsubscribe: { baseUrl: 'https://rekindle.example.com/unsubscribe', keyring: testKeyring },
    random: () => 0.5,
    newAttemptId: () => `attempt-${(attempt += 1)}`,
    ...overrides,
  };
}

/** 2025-06-02 12:00 in Shanghai: a weekday noon, outside quiet hours. */
export const shanghaiNoon = '2025-06-02T04:00:00.000Z';
