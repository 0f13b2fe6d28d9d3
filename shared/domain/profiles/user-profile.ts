import { z } from 'zod';
import { Channel, isKnownTimeZone, Locale } from '../common';

/** True when `zone` is an IANA time zone this runtime knows (Intl is the reference). */
export function isIanaTimeZone(zone: string): boolean {
  if (!/^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)*$/.test(zone) && zone !== 'UTC') return false;
  return isKnownTimeZone(zone);
}

export { Channel, Locale } from '../common';

const ianaTimeZone = (field: string) => z.string().refine(isIanaTimeZone, { message: `${field} must be an IANA time zone such as Asia/Shanghai` });

const attributeValue = z.union([z.string().max(1024), z.number().finite(), z.boolean(), z.null()]);

/** The body of `PUT /v1/users/{userId}`: every field optional, so a profile can be built up. */
export const ProfileUpdate = z
  .strictObject({
    email: z.email({ message: 'email must be a valid email address' }).max(254).optional(),
    phone: z
      .string()
      .regex(/^\+[1-9]\d{6,14}$/, 'phone must be in E.164 form, e.g. +8613800138000')
      .optional(),
    pushToken: z.string().min(1).max(4096).optional(),
    timeZone: ianaTimeZone('timeZone').optional(),
    /** Alias of `timeZone`, the spelling this API first accepted; kept for existing producers. */
    timezone: ianaTimeZone('timezone').optional(),
    locale: Locale.optional(),
    consents: z.strictObject({ email: z.boolean().optional(), sms: z.boolean().optional(), push: z.boolean().optional() }).optional(),
    attributes: z
      .record(z.string().min(1).max(64), attributeValue)
      .refine((record) => Object.keys(record).length <= 50, { message: 'attributes may hold at most 50 keys' })
      .optional(),
  })
  .superRefine((update, context) => {
    if (update.timeZone !== undefined && update.timezone !== undefined && update.timeZone !== update.timezone) {
      context.addIssue({
        code: 'custom',
        path: ['timeZone'],
        message: `timeZone (${update.timeZone}) and its alias timezone (${update.timezone}) disagree: send one`,
      });
    }
  })
  .transform(({ timezone, ...update }) => ({ ...update, timeZone: update.timeZone ?? timezone }));
export type ProfileUpdate = z.infer<typeof ProfileUpdate>;

/** A stored profile. Contact points are personal data: encrypted at rest, masked in logs. */
export interface UserProfile {
  userId: string;
  email?: string;
  phone?: string;
  pushToken?: string;
  /** IANA time zone the user lives in (quiet hours, local days). */
  timeZone: string;
  locale: Locale;
  consents: Record<Channel, boolean>;
  attributes: Record<string, string | number | boolean | null>;
  createdAt: string;
  updatedAt: string;
}

export const PROFILE_DEFAULTS = { timeZone: 'UTC', locale: 'en' as Locale, consents: { email: false, sms: false, push: false } };

/** Applies an update to a profile (or creates one): fields present in the update win. */
export function applyProfileUpdate(userId: string, current: UserProfile | null, update: ProfileUpdate, now: Date): UserProfile {
  const base: UserProfile = current ?? {
    userId,
    timeZone: PROFILE_DEFAULTS.timeZone,
    locale: PROFILE_DEFAULTS.locale,
    consents: { ...PROFILE_DEFAULTS.consents },
    attributes: {},
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
  };
  const next: UserProfile = {
    ...base,
    consents: { ...base.consents, ...stripUndefined(update.consents ?? {}) },
    attributes: { ...base.attributes, ...(update.attributes ?? {}) },
    updatedAt: now.toISOString(),
  };
  if (update.email !== undefined) next.email = update.email;
  if (update.phone !== undefined) next.phone = update.phone;
  if (update.pushToken !== undefined) next.pushToken = update.pushToken;
  if (update.timeZone !== undefined) next.timeZone = update.timeZone;
  if (update.locale !== undefined) next.locale = update.locale;
  return next;
}

function stripUndefined<T extends object>(value: T): { [K in keyof T]-?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as { [K in keyof T]-?: Exclude<T[K], undefined> };
}

export { UserId } from '../common';
