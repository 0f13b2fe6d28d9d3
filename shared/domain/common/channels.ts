import { z } from 'zod';

/** The ways Rekindle reaches a person: SES v2 email, SNS SMS, SNS mobile push. */
export const Channel = z.enum(['email', 'sms', 'push'], { message: 'channel must be email, sms or push' });
export type Channel = z.infer<typeof Channel>;
export const CHANNELS: readonly Channel[] = Channel.options;

/** Locales the templates are written in. */
export const Locale = z.enum(['zh-CN', 'en'], { message: 'locale must be zh-CN or en' });
export type Locale = z.infer<typeof Locale>;
export const LOCALES: readonly Locale[] = Locale.options;
