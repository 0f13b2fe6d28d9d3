import type { Archetype, SyntheticTimeZone } from './synthetic-user';

/**
 * The tunable numbers behind the synthetic population. They are plausible for a consumer app
 * (music / social, mostly in China) rather than fitted to any real data set; what matters for
 * demos and benchmarks is that each archetype lands in the tier the engine should put it in.
 */

/** Share of each archetype in the population; sums to 1. */
export const ARCHETYPE_SHARES: Readonly<Record<Archetype, number>> = {
  loyal: 0.3,
  cooling: 0.2,
  lapsed: 0.25,
  lost: 0.15,
  new: 0.1,
};

/** An inclusive range a per-user value is drawn from, uniformly. */
export interface Range {
  min: number;
  max: number;
}

/** How one archetype behaves; each user draws their own values inside these ranges. */
export interface ArchetypeHabit {
  /** Probability of being active on a day while engaged. */
  activeDayShare: Range;
  /** Mean sessions on an active day. */
  sessionsPerActiveDay: Range;
  /** Mean feature_use events per session. */
  featureUsesPerSession: Range;
  /** Mean search events per session. */
  searchesPerSession: Range;
  /**
   * Mean purchases per day while engaged. Each user's own rate is Gamma-distributed around it
   * (shape {@link PURCHASE_RATE_SHAPE}), the heterogeneity BG/NBD assumes.
   */
  meanPurchasesPerDay: number;
  /** Share of users who do the daily check-in. */
  checkinShare: number;
}

/** Per archetype, the ranges each user's habits are drawn from. */
export const ARCHETYPE_HABITS: Readonly<Record<Archetype, ArchetypeHabit>> = {
  loyal: {
    activeDayShare: { min: 0.7, max: 0.95 },
    sessionsPerActiveDay: { min: 1.3, max: 2.5 },
    featureUsesPerSession: { min: 0.6, max: 1.4 },
    searchesPerSession: { min: 0.1, max: 0.4 },
    meanPurchasesPerDay: 0.1,
    checkinShare: 0.35,
  },
  cooling: {
    activeDayShare: { min: 0.5, max: 0.85 },
    sessionsPerActiveDay: { min: 1.1, max: 2 },
    featureUsesPerSession: { min: 0.5, max: 1.2 },
    searchesPerSession: { min: 0.1, max: 0.35 },
    meanPurchasesPerDay: 0.06,
    checkinShare: 0.2,
  },
  lapsed: {
    activeDayShare: { min: 0.3, max: 0.7 },
    sessionsPerActiveDay: { min: 1, max: 1.6 },
    featureUsesPerSession: { min: 0.4, max: 1 },
    searchesPerSession: { min: 0.05, max: 0.3 },
    meanPurchasesPerDay: 0.04,
    checkinShare: 0.1,
  },
  lost: {
    activeDayShare: { min: 0.15, max: 0.55 },
    sessionsPerActiveDay: { min: 0.8, max: 1.3 },
    featureUsesPerSession: { min: 0.3, max: 0.8 },
    searchesPerSession: { min: 0.05, max: 0.2 },
    meanPurchasesPerDay: 0.02,
    checkinShare: 0.05,
  },
  new: {
    activeDayShare: { min: 0.35, max: 0.85 },
    sessionsPerActiveDay: { min: 1, max: 2 },
    featureUsesPerSession: { min: 0.5, max: 1.2 },
    searchesPerSession: { min: 0.15, max: 0.45 },
    meanPurchasesPerDay: 0.05,
    checkinShare: 0.3,
  },
};

/** BG/NBD's r: smaller means more spread between light and heavy buyers. */
export const PURCHASE_RATE_SHAPE = 1.5;

/**
 * Gamma–Gamma spend: each purchase ~ Gamma(p, rate ν), each user's ν ~ Gamma(q, rate γ), so the
 * mean purchase is p·γ / (q − 1): about 12 USD, or 84 CNY at γ scaled by seven.
 */
export const SPEND = {
  p: 6,
  q: 4,
  gammaByCurrency: { USD: 6, CNY: 42 },
} as const;

/** Cooling users fade over this many days before the end date. */
export const COOLING_DECLINE_DAYS = 21;

/** Cooling users end at this fraction of their former activity. */
export const COOLING_FINAL_ACTIVITY: Range = { min: 0.05, max: 0.25 };

/** The last active day of lapsed users, in days before the end date: silent 14 to 60 full days. */
export const LAPSED_LAST_ACTIVE_DAYS_AGO: Range = { min: 15, max: 61 };

/** Lost users are silent at least 90 full days. */
export const LOST_MIN_LAST_ACTIVE_DAYS_AGO = 91;

/** Share of lost users who only ever tried the app for a few days. */
export const LOST_TRIAL_ONLY_SHARE = 0.4;

/** New users signed up this many days ago at most (0 = on the end date). */
export const NEW_MAX_SIGNUP_DAYS_AGO = 13;

/** Chance that a user who signed up inside the window came through a referral. */
export const REFERRED_SIGNUP_SHARE = { new: 0.2, other: 0.08 } as const;

/** Chance per purchase of a later refund. */
export const REFUND_SHARE = 0.03;

/** Mean message opens per active day, for users who accept email or push. */
export const MESSAGE_OPENS_PER_ACTIVE_DAY = 0.03;

/** Chance that an opened message is clicked. */
export const MESSAGE_CLICK_SHARE = 0.35;

/** Where the population lives: a Chinese app with an overseas audience. */
export const TIME_ZONE_SHARES: readonly (readonly [SyntheticTimeZone, number])[] = [
  ['Asia/Shanghai', 0.55],
  ['America/New_York', 0.15],
  ['Europe/London', 0.12],
  ['Asia/Tokyo', 0.1],
  ['Pacific/Auckland', 0.08],
];

/** Chance of a Chinese interface per time zone; everyone else reads English. */
export const ZH_CN_SHARE_BY_TIME_ZONE: Readonly<Record<SyntheticTimeZone, number>> = {
  'Asia/Shanghai': 0.95,
  'America/New_York': 0.08,
  'Europe/London': 0.06,
  'Asia/Tokyo': 0.15,
  'Pacific/Auckland': 0.1,
};

/** Chance of consent per channel: most users accept, SMS least. */
export const CONSENT_SHARES = { email: 0.9, sms: 0.75, push: 0.85 } as const;

/**
 * Relative chance of a session starting in each local hour, 00 to 23: quiet nights, a morning
 * commute, lunch, and the evening peak.
 */
export const SESSION_WEIGHT_BY_LOCAL_HOUR: readonly number[] = [2, 1, 0.5, 0.3, 0.3, 0.5, 1.5, 3, 4, 3.5, 3, 3, 4, 3.5, 3, 3, 3, 3.5, 4.5, 6, 7, 7, 5.5, 3.5];

/** Search queries by interface language. */
export const SEARCH_QUERIES: Readonly<Record<'zh-CN' | 'en', readonly string[]>> = {
  'zh-CN': ['周杰伦', '轻音乐', '跑步歌单', '古风', '睡前故事', '粤语经典', '学习音乐', '相声', '民谣', '抖音热歌'],
  en: ['lofi beats', 'running playlist', 'jazz classics', 'taylor swift', 'news podcast', 'study music', 'k-pop', 'sleep sounds', 'workout', 'indie folk'],
};
