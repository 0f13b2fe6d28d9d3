import { describe, expect, it } from 'vitest';
import { ContactPolicyConfigError, defaultContactPolicyConfig, parseContactPolicyConfig } from '../../../shared/domain/messaging';

describe('ContactPolicyConfig', () => {
  it('has the documented defaults', () => {
    expect(defaultContactPolicyConfig).toEqual({
      quietHours: { enabled: true, start: '21:00', end: '09:00' },
      fallbackTimeZone: 'UTC',
      fallbackLocale: 'en',
      disturbance: {
        halfLifeHours: 48,
        channelWeights: { email: 1, sms: 2, push: 0.5 },
        coreContactFactor: 0.5,
        standard: { maxIndex: 2.5, maxPerDay: 1, maxPerWeek: 3 },
        highValue: { maxIndex: 2, maxPerDay: 1, maxPerWeek: 2 },
        highValueDecileFrom: 10,
      },
      reservation: { leaseSeconds: 60, sendingTimeoutSeconds: 300, providerEvidenceHorizonSeconds: 3600 },
      sendRatesPerSecond: { email: 14, sms: 20, push: 100 },
      throttleRetry: { maxAttempts: 4, baseDelayMs: 200, maxDelayMs: 5000 },
      unsubscribeTokenTtlDays: 90,
      globalControl: { share: 0.05, salt: 'rekindle-global-control' },
    });
  });

  it('keeps the defaults of fields not given when one nested field is overridden', () => {
    const config = parseContactPolicyConfig({ disturbance: { standard: { maxPerWeek: 4 } }, sendRatesPerSecond: { email: 50 } });
    expect(config.disturbance.standard).toEqual({ maxIndex: 2.5, maxPerDay: 1, maxPerWeek: 4 });
    expect(config.disturbance.highValue.maxPerWeek).toBe(2);
    expect(config.sendRatesPerSecond).toEqual({ email: 50, sms: 20, push: 100 });
  });

  it.each([
    [{ quietHours: { start: '25:00' } }, 'quietHours.start'],
    [{ quietHours: { start: '09:00', end: '09:00' } }, 'quietHours'],
    [{ fallbackTimeZone: 'Mars/Olympus_Mons' }, 'fallbackTimeZone'],
    [{ disturbance: { channelWeights: { sms: -1 } } }, 'disturbance.channelWeights.sms'],
    [{ reservation: { leaseSeconds: 600, sendingTimeoutSeconds: 60 } }, 'reservation'],
    [{ reservation: { sendingTimeoutSeconds: 600, providerEvidenceHorizonSeconds: 300 } }, 'reservation'],
  ])('refuses %j naming %s', (input, path) => {
    expect(() => parseContactPolicyConfig(input)).toThrow(ContactPolicyConfigError);
    try {
      parseContactPolicyConfig(input);
    } catch (error) {
      if (!(error instanceof ContactPolicyConfigError)) throw error;
      expect(error.issues.some((issue) => issue.startsWith(`${path}:`))).toBe(true);
    }
  });
});
