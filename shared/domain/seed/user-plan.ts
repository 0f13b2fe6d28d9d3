import {
  ARCHETYPE_HABITS,
  ARCHETYPE_SHARES,
  CONSENT_SHARES,
  COOLING_FINAL_ACTIVITY,
  LAPSED_LAST_ACTIVE_DAYS_AGO,
  LOST_MIN_LAST_ACTIVE_DAYS_AGO,
  LOST_TRIAL_ONLY_SHARE,
  MESSAGE_OPENS_PER_ACTIVE_DAY,
  NEW_MAX_SIGNUP_DAYS_AGO,
  PURCHASE_RATE_SHAPE,
  SPEND,
  TIME_ZONE_SHARES,
  ZH_CN_SHARE_BY_TIME_ZONE,
  type Range,
} from './archetype-habits';
import { chance, gamma, integerBetween, mixSeed, mulberry32, uniform, WeightedChoice, wordsOfSafeInteger, type RandomSource } from './random';
import {
  ARCHETYPES,
  SYNTHETIC_FEATURES,
  userIdForIndex,
  type Archetype,
  type SyntheticCurrency,
  type SyntheticFeature,
  type SyntheticProfile,
} from './synthetic-user';
import { MS_PER_DAY } from '../common';

/** Separate streams per purpose, so drawing a profile never shifts the events and vice versa. */
export const RANDOM_STREAM = { plan: 1, events: 2 } as const;

/** The independent random stream of one purpose of one user. */
export function userRandom(seed: number, userIndex: number, stream: number): RandomSource {
  return mulberry32(mixSeed(...wordsOfSafeInteger(seed), ...wordsOfSafeInteger(userIndex), stream));
}

/**
 * Everything decided about a user before any event is drawn: the profile and the habits.
 * Days are counted in the user's local calendar back from the end date's local day (0).
 */
export interface UserPlan {
  userIndex: number;
  profile: SyntheticProfile;
  archetype: Archetype;
  signupDaysAgo: number;
  /** The last local day with activity; 0 for users still active. */
  lastActiveDaysAgo: number;
  /** Days that have activity whatever the dice say (sign-up day, last active day…). */
  forcedActiveDaysAgo: readonly number[];
  activeDayShare: number;
  /** Cooling users only: activity left on the end date as a fraction of the former level. */
  finalActivityFactor: number;
  sessionsPerActiveDay: number;
  featureUsesPerSession: number;
  searchesPerSession: number;
  favouriteFeatures: WeightedChoice<SyntheticFeature>;
  /** Mean purchases per day while engaged (BG/NBD λ). */
  purchasesPerDay: number;
  currency: SyntheticCurrency;
  /** Gamma–Gamma: shape and rate of this user's purchase amounts. */
  spendShape: number;
  spendRate: number;
  checksIn: boolean;
  messageOpensPerActiveDay: number;
}

const ARCHETYPE_CHOICE = new WeightedChoice(ARCHETYPES.map((archetype) => [archetype, ARCHETYPE_SHARES[archetype]] as const));
const TIME_ZONE_CHOICE = new WeightedChoice(TIME_ZONE_SHARES);
const HEX_DIGITS = '0123456789abcdef';
const PUSH_TOKEN_LENGTH = 64;
const PHONE_NUMBERS_AVAILABLE = 10_000_000;
// Users who are not new signed up at most this long before their first drawn activity.
const MAX_TENURE_BEFORE_HISTORY_DAYS = 600;

function drawIn(random: RandomSource, range: Range): number {
  return uniform(random, range.min, range.max);
}

function pushTokenFrom(random: RandomSource): string {
  let token = '';
  for (let digit = 0; digit < PUSH_TOKEN_LENGTH; digit += 1) {
    token += HEX_DIGITS[Math.floor(random.next() * 16)];
  }
  return token;
}

interface Timeline {
  signupDaysAgo: number;
  lastActiveDaysAgo: number;
  forcedActiveDaysAgo: number[];
  activeDayShareOverride?: number;
}

function drawTimeline(random: RandomSource, archetype: Archetype, days: number): Timeline {
  switch (archetype) {
    case 'loyal': {
      const signupDaysAgo = integerBetween(random, 30, 30 + MAX_TENURE_BEFORE_HISTORY_DAYS);
      return { signupDaysAgo, lastActiveDaysAgo: 0, forcedActiveDaysAgo: [signupDaysAgo, integerBetween(random, 0, 1)] };
    }
    case 'cooling': {
      const signupDaysAgo = integerBetween(random, 45, 45 + MAX_TENURE_BEFORE_HISTORY_DAYS);
      // Cooling means "still seen this week, less and less": tier R1, not R2.
      return { signupDaysAgo, lastActiveDaysAgo: 0, forcedActiveDaysAgo: [signupDaysAgo, integerBetween(random, 0, 6)] };
    }
    case 'lapsed': {
      const lastActiveDaysAgo = integerBetween(random, LAPSED_LAST_ACTIVE_DAYS_AGO.min, LAPSED_LAST_ACTIVE_DAYS_AGO.max);
      const signupDaysAgo = lastActiveDaysAgo + integerBetween(random, 14, MAX_TENURE_BEFORE_HISTORY_DAYS);
      return { signupDaysAgo, lastActiveDaysAgo, forcedActiveDaysAgo: [signupDaysAgo, lastActiveDaysAgo] };
    }
    case 'lost': {
      // Visible in the window when it is long enough; otherwise lost users have no events at all.
      const lastActiveDaysAgo = integerBetween(random, LOST_MIN_LAST_ACTIVE_DAYS_AGO, Math.max(LOST_MIN_LAST_ACTIVE_DAYS_AGO, days - 1));
      if (chance(random, LOST_TRIAL_ONLY_SHARE)) {
        const signupDaysAgo = lastActiveDaysAgo + integerBetween(random, 0, 4);
        return { signupDaysAgo, lastActiveDaysAgo, forcedActiveDaysAgo: [signupDaysAgo, lastActiveDaysAgo], activeDayShareOverride: 0.8 };
      }
      const signupDaysAgo = lastActiveDaysAgo + integerBetween(random, 7, MAX_TENURE_BEFORE_HISTORY_DAYS);
      return { signupDaysAgo, lastActiveDaysAgo, forcedActiveDaysAgo: [signupDaysAgo, lastActiveDaysAgo] };
    }
    case 'new': {
      const signupDaysAgo = integerBetween(random, 0, NEW_MAX_SIGNUP_DAYS_AGO);
      return { signupDaysAgo, lastActiveDaysAgo: 0, forcedActiveDaysAgo: [signupDaysAgo] };
    }
  }
}

/**
 * Draws a user's profile and habits from their own random stream, so any user can be drawn
 * alone (a referrer looked up by index, a shard of the population) and come out the same.
 *
 * @param endLocalDayStartMs - for each zone, the end date's local midnight written as if UTC;
 *   see {@link localDayStartOf}.
 */
export function planUser(seed: number, userIndex: number, days: number, endLocalDayStartMs: (timezone: SyntheticProfile['timeZone']) => number): UserPlan {
  const random = userRandom(seed, userIndex, RANDOM_STREAM.plan);
  const userId = userIdForIndex(userIndex);
  const number = userId.slice(2);

  const timezone = TIME_ZONE_CHOICE.pick(random);
  const locale = chance(random, ZH_CN_SHARE_BY_TIME_ZONE[timezone]) ? 'zh-CN' : 'en';
  const consents = {
    email: chance(random, CONSENT_SHARES.email),
    sms: chance(random, CONSENT_SHARES.sms),
    push: chance(random, CONSENT_SHARES.push),
  };
  const pushToken = pushTokenFrom(random);

  const archetype = ARCHETYPE_CHOICE.pick(random);
  const habit = ARCHETYPE_HABITS[archetype];
  const timeline = drawTimeline(random, archetype, days);
  const signupDate = new Date(endLocalDayStartMs(timezone) - timeline.signupDaysAgo * MS_PER_DAY).toISOString().slice(0, 10);

  // Each user has favourite features: base weights scaled by Gamma(1) noise, a flat Dirichlet.
  const favouriteFeatures = new WeightedChoice(SYNTHETIC_FEATURES.map((feature) => [feature, gamma(random, 1, 1)] as const));
  // Prices follow where people live, not the language of their interface.
  const currency: SyntheticCurrency = timezone === 'Asia/Shanghai' ? 'CNY' : 'USD';
  const spendRate = gamma(random, SPEND.q, 1 / SPEND.gammaByCurrency[currency]);

  return {
    userIndex,
    archetype,
    profile: {
      userId,
      email: `user${number}@example.test`,
      phone: `+1555${String((userIndex + 1) % PHONE_NUMBERS_AVAILABLE).padStart(7, '0')}`,
      pushToken,
      timeZone: timezone,
      locale,
      consents,
      attributes: { archetype, signupDate },
    },
    signupDaysAgo: timeline.signupDaysAgo,
    lastActiveDaysAgo: timeline.lastActiveDaysAgo,
    forcedActiveDaysAgo: timeline.forcedActiveDaysAgo,
    activeDayShare: timeline.activeDayShareOverride ?? drawIn(random, habit.activeDayShare),
    finalActivityFactor: archetype === 'cooling' ? drawIn(random, COOLING_FINAL_ACTIVITY) : 1,
    sessionsPerActiveDay: drawIn(random, habit.sessionsPerActiveDay),
    featureUsesPerSession: drawIn(random, habit.featureUsesPerSession),
    searchesPerSession: drawIn(random, habit.searchesPerSession),
    favouriteFeatures,
    purchasesPerDay: gamma(random, PURCHASE_RATE_SHAPE, habit.meanPurchasesPerDay / PURCHASE_RATE_SHAPE),
    currency,
    spendShape: SPEND.p,
    spendRate,
    checksIn: chance(random, habit.checkinShare),
    messageOpensPerActiveDay: consents.email || consents.push ? gamma(random, 2, MESSAGE_OPENS_PER_ACTIVE_DAY / 2) : 0,
  };
}

/** The local midnight of the day containing `wallClockMs` (a wall-clock reading written as if UTC). */
export function localDayStartOf(wallClockMs: number): number {
  return Math.floor(wallClockMs / MS_PER_DAY) * MS_PER_DAY;
}
