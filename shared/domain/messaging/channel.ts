import { z } from 'zod';

/** The ways Rekindle reaches a person: SES v2 email, SNS SMS, SNS mobile push. */
export const Channel = z.enum(['email', 'sms', 'push']);
export type Channel = z.infer<typeof Channel>;
export const channels: readonly Channel[] = Channel.options;

/**
 * `core` is transactional (a coupon the user earned, a check-in summary they asked for): it passes
 * the kill switch, quiet hours and the budget. `non-core` is marketing: every rule applies.
 */
export const Priority = z.enum(['core', 'non-core']);
export type Priority = z.infer<typeof Priority>;

/** Locales the templates are written in. */
export const Locale = z.enum(['zh-CN', 'en']);
export type Locale = z.infer<typeof Locale>;
export const locales: readonly Locale[] = Locale.options;

/**
 * A user's consent on one channel. `unknown` (never asked) is not consent: marketing needs
 * `granted`.
 */
export const ConsentState = z.enum(['granted', 'denied', 'unknown']);
export type ConsentState = z.infer<typeof ConsentState>;
