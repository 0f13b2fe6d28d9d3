import { z } from 'zod';

export { Channel, CHANNELS as channels, Locale, LOCALES as locales } from '../common';

/**
 * `core` is transactional (a coupon the user earned, a check-in summary they asked for): it passes
 * the kill switch, quiet hours and the budget. `non-core` is marketing: every rule applies.
 */
export const Priority = z.enum(['core', 'non-core']);
export type Priority = z.infer<typeof Priority>;

/**
 * A user's consent on one channel. `unknown` (never asked) is not consent: marketing needs
 * `granted`.
 */
export const ConsentState = z.enum(['granted', 'denied', 'unknown']);
export type ConsentState = z.infer<typeof ConsentState>;
