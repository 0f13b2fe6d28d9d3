/**
 * What the population generator yields: a profile in the shape of `PUT /v1/users/{userId}` and
 * events in the shape of `POST /v1/events`, so demo data goes through the same front door as
 * real traffic.
 */

/** The behaviour patterns of the synthetic population. */
export const ARCHETYPES = ['loyal', 'cooling', 'lapsed', 'lost', 'new'] as const;

/**
 * loyal: active most days; cooling: activity declining over the last three weeks; lapsed:
 * stopped 14–60 days ago; lost: stopped 90+ days ago; new: signed up in the last two weeks.
 */
export type Archetype = (typeof ARCHETYPES)[number];

/** The time zones of the demo population. */
export const SYNTHETIC_TIME_ZONES = ['Asia/Shanghai', 'America/New_York', 'Europe/London', 'Asia/Tokyo', 'Pacific/Auckland'] as const;

export type SyntheticTimeZone = (typeof SYNTHETIC_TIME_ZONES)[number];

export type SyntheticLocale = 'zh-CN' | 'en';

/** The features a `feature_use` event can name. */
export const SYNTHETIC_FEATURES = ['search', 'playlist', 'share', 'upload', 'chat', 'checkout'] as const;

export type SyntheticFeature = (typeof SYNTHETIC_FEATURES)[number];

export type SyntheticCurrency = 'CNY' | 'USD';

/** A synthetic user's profile. */
export interface SyntheticProfile {
  /** `u-000001` for the user at index 0: see {@link userIdForIndex}. */
  userId: string;
  email: string;
  /** E.164 in the unassigned +1 555 area, so nobody real is ever texted. */
  phone: string;
  pushToken: string;
  timeZone: SyntheticTimeZone;
  locale: SyntheticLocale;
  consents: { email: boolean; sms: boolean; push: boolean };
  attributes: {
    archetype: Archetype;
    /** The calendar day of sign-up in the user's own time zone, `YYYY-MM-DD`. */
    signupDate: string;
  };
}

interface EventEnvelope {
  /** `${userId}-${n}`, n counting the user's events in time order from 0. */
  eventId: string;
  userId: string;
  /** ISO 8601 with the user's local offset, to the second. */
  timestamp: string;
}

/** The type-specific part of an event, at the top level next to `type`, as the ingest API takes it. */
export type SyntheticEventPayload =
  | { type: 'session' }
  | { type: 'feature_use'; feature: SyntheticFeature }
  | { type: 'search'; query: string }
  | { type: 'purchase'; orderId: string; amount: number; currency: SyntheticCurrency }
  | { type: 'refund'; orderId: string; amount: number }
  | { type: 'checkin' }
  | { type: 'referral_signup'; referrerId: string }
  | { type: 'message_open'; messageId: string }
  | { type: 'message_click'; messageId: string };

/** One behaviour event in the ingest API's shape. */
export type SyntheticEvent = EventEnvelope & SyntheticEventPayload;

export type SyntheticEventType = SyntheticEvent['type'];

/** One user of the population with all their events in the window, oldest first. */
export interface SyntheticUser {
  profile: SyntheticProfile;
  events: SyntheticEvent[];
}

/** The user id at a 0-based index: `u-000001` for index 0, wider past 999,999. */
export function userIdForIndex(userIndex: number): string {
  return `u-${String(userIndex + 1).padStart(6, '0')}`;
}
