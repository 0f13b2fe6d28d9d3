import { z } from 'zod';
import { Channel, ConsentState, Locale } from './channel';
import { assertNever } from '../common';

/**
 * What the send path needs to know about a user: the profiles store maps its own record to this.
 * `valueDecile` is 1..10 with 10 the most valuable tenth (by CLV); `highValue` lets scoring flag a
 * user as high-value for other reasons (Champions, Stars).
 */
export const ContactProfile = z.object({
  userId: z.string().min(1),
  email: z.string().min(3).optional(),
  /** E.164, e.g. +8613812345678. */
  phone: z.string().min(3).optional(),
  /** SNS platform endpoint ARN of the user's device. */
  pushEndpoint: z.string().min(1).optional(),
  /** IANA name; when absent the policy uses the configured fallback zone. */
  timeZone: z.string().min(1).optional(),
  locale: Locale.optional(),
  consents: z.object({ email: ConsentState, sms: ConsentState, push: ConsentState }),
  valueDecile: z.number().int().min(1).max(10).optional(),
  highValue: z.boolean(),
});
export type ContactProfile = z.infer<typeof ContactProfile>;

/** The address to use on a channel, if the user has one. */
export function contactPointFor(profile: ContactProfile, channel: Channel): string | undefined {
  switch (channel) {
    case 'email':
      return profile.email;
    case 'sms':
      return profile.phone;
    case 'push':
      return profile.pushEndpoint;
    default:
      return assertNever(channel);
  }
}
