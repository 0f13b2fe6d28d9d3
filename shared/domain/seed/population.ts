import {
  COOLING_DECLINE_DAYS,
  MESSAGE_CLICK_SHARE,
  REFERRED_SIGNUP_SHARE,
  REFUND_SHARE,
  SEARCH_QUERIES,
  SESSION_WEIGHT_BY_LOCAL_HOUR,
} from './archetype-habits';
import { InvalidPopulationOptionsError } from './errors';
import { chance, gamma, integerBetween, pickOne, poisson, uniform, WeightedChoice, type RandomSource } from './random';
import type { SyntheticEvent, SyntheticEventPayload, SyntheticProfile, SyntheticUser } from './synthetic-user';
import { userIdForIndex } from './synthetic-user';
import { localDayStartOf, planUser, RANDOM_STREAM, userRandom, type UserPlan } from './user-plan';
import { ZoneClock } from './zone-clock';
import { MS_PER_DAY } from '../common';

/** What `npm start` seeds on an empty data folder. */
export const POPULATION_DEFAULTS = { users: 5000, days: 120, seed: 42 } as const;

/** What population to generate. */
export interface PopulationOptions {
  /** How many users, from `startUserIndex` on. */
  users: number;
  /** Days of history ending at `endDate`. */
  days: number;
  /** Any safe integer; the same seed gives the same population. */
  seed: number;
  /** The last instant with events: "now" for the demo. */
  endDate: Date;
  /** 0-based index of the first user, to resume a seeding or split it into shards. Default 0. */
  startUserIndex?: number;
}

const MS_PER_SECOND = 1000;
const MS_PER_HOUR = 3_600_000;
const REFERRER_ATTEMPTS = 4;
// Sessions start at a random second of the chosen local hour.
const SECONDS_PER_HOUR = 3600;
const SESSION_HOUR = new WeightedChoice(SESSION_WEIGHT_BY_LOCAL_HOUR.map((weight, hour) => [hour, weight] as const));

/**
 * Generates a synthetic population lazily, one user at a time, so memory stays flat for a
 * million users: consume it with `for…of` and write each user out before asking for the next.
 *
 * Deterministic: each user is drawn from a random stream derived from (seed, user index) only,
 * so the same options give the same users and events, and users `[a, b)` come out the same
 * whether generated in one run or resumed with `startUserIndex: a`.
 *
 * Every event lies in `[endDate − days, endDate]`, and each user's events are in time order.
 *
 * @throws {@link InvalidPopulationOptionsError} at once (not on first iteration) for bad options.
 */
export function generatePopulation(options: PopulationOptions): Generator<SyntheticUser, void, undefined> {
  const { users, days, seed, endDate, startUserIndex = 0 } = options;
  requireSafeInteger('users', users, 0);
  requireSafeInteger('days', days, 1);
  requireSafeInteger('seed', seed, Number.MIN_SAFE_INTEGER);
  requireSafeInteger('startUserIndex', startUserIndex, 0);
  if (!(endDate instanceof Date) || Number.isNaN(endDate.getTime())) {
    throw new InvalidPopulationOptionsError('endDate', 'must be a valid Date');
  }
  if (!Number.isSafeInteger(startUserIndex + users)) {
    throw new InvalidPopulationOptionsError('users', 'startUserIndex + users must be a safe integer');
  }
  return streamUsers(new PopulationDrawer(seed, days, endDate.getTime()), startUserIndex, users);
}

/**
 * One user of the population, drawn alone: the same as the user at `userIndex` in
 * {@link generatePopulation} with the same seed, days and end date.
 */
export function generateSyntheticUser(options: Omit<PopulationOptions, 'users' | 'startUserIndex'>, userIndex: number): SyntheticUser {
  const [user] = generatePopulation({ ...options, users: 1, startUserIndex: userIndex });
  if (user === undefined) throw new InvalidPopulationOptionsError('userIndex', 'no user was generated');
  return user;
}

function* streamUsers(drawer: PopulationDrawer, startUserIndex: number, users: number): Generator<SyntheticUser, void, undefined> {
  for (let userIndex = startUserIndex; userIndex < startUserIndex + users; userIndex += 1) {
    yield drawer.drawUser(userIndex);
  }
}

function requireSafeInteger(field: string, value: number, minimum: number): void {
  if (!Number.isSafeInteger(value) || value < minimum) {
    throw new InvalidPopulationOptionsError(field, `must be an integer ≥ ${minimum}, got ${String(value)}`);
  }
}

interface DraftEvent {
  atMs: number;
  payload: SyntheticEventPayload;
}

/** The per-day context events are drawn in. */
interface ActiveDay {
  daysAgo: number;
  intensity: number;
  sessionStartsMs: number[];
}

/** Draws users for one (seed, days, end date); holds only bounded caches, never users. */
class PopulationDrawer {
  private readonly zoneClock = new ZoneClock();
  private readonly windowStartMs: number;

  constructor(
    private readonly seed: number,
    private readonly days: number,
    private readonly endMs: number,
  ) {
    this.windowStartMs = endMs - days * MS_PER_DAY;
  }

  drawUser(userIndex: number): SyntheticUser {
    const plan = this.planOf(userIndex);
    const random = userRandom(this.seed, userIndex, RANDOM_STREAM.events);
    const drafts = this.drawEvents(plan, random);
    // Stable sort: events at the same second keep the order they were drawn in (session first).
    drafts.sort((left, right) => left.atMs - right.atMs);
    const { userId, timeZone: timezone } = plan.profile;
    const events = drafts.map((draft, n): SyntheticEvent => ({
      eventId: `${userId}-${n}`,
      userId,
      timestamp: this.zoneClock.formatWithOffset(timezone, draft.atMs),
      ...draft.payload,
    }));
    return { profile: plan.profile, events };
  }

  private planOf(userIndex: number): UserPlan {
    return planUser(this.seed, userIndex, this.days, (timezone) => this.endLocalDayStart(timezone));
  }

  private endLocalDayStart(timezone: SyntheticProfile['timeZone']): number {
    return localDayStartOf(this.zoneClock.wallClockAt(timezone, this.endMs));
  }

  private drawEvents(plan: UserPlan, random: RandomSource): DraftEvent[] {
    const timezone = plan.profile.timeZone;
    const endDayStart = this.endLocalDayStart(timezone);
    const windowFirstDayStart = localDayStartOf(this.zoneClock.wallClockAt(timezone, this.windowStartMs));
    const firstDaysAgo = Math.min(plan.signupDaysAgo, Math.round((endDayStart - windowFirstDayStart) / MS_PER_DAY));
    // Silence is counted in whole days back from the end date, whatever the local calendar says.
    const latestAllowedMs = Math.min(this.endMs, this.endMs - Math.max(0, plan.lastActiveDaysAgo - 1) * MS_PER_DAY);
    const drafts: DraftEvent[] = [];
    const counters = { orders: 0, messages: 0 };

    for (let daysAgo = firstDaysAgo; daysAgo >= plan.lastActiveDaysAgo; daysAgo -= 1) {
      const forced = plan.forcedActiveDaysAgo.includes(daysAgo);
      const intensity = this.intensityOn(plan, daysAgo);
      if (!forced && !chance(random, plan.activeDayShare * intensity)) continue;
      const dayStartWallClockMs = endDayStart - daysAgo * MS_PER_DAY;
      let sessionStartsMs = this.drawSessionStarts(plan, random, dayStartWallClockMs, intensity).filter((startMs) => startMs <= this.endMs);
      if (sessionStartsMs.length === 0) {
        // Only the end date's own day can lose all its sessions to the future. A forced day
        // (today's sign-up) still needs one, so it goes into the part of the day already past.
        if (!forced) continue;
        const dayStartMs = this.zoneClock.instantOfWallClock(timezone, dayStartWallClockMs);
        sessionStartsMs = [Math.floor(uniform(random, Math.max(dayStartMs, this.windowStartMs), this.endMs) / MS_PER_SECOND) * MS_PER_SECOND];
      }
      this.drawDay(plan, random, { daysAgo, intensity, sessionStartsMs }, drafts, counters);
    }
    return drafts.filter((draft) => draft.atMs >= this.windowStartMs && draft.atMs <= latestAllowedMs);
  }

  /** Cooling users fade linearly to their final level over the last weeks; everyone else is steady. */
  private intensityOn(plan: UserPlan, daysAgo: number): number {
    if (plan.archetype !== 'cooling' || daysAgo >= COOLING_DECLINE_DAYS) return 1;
    return plan.finalActivityFactor + (1 - plan.finalActivityFactor) * (daysAgo / COOLING_DECLINE_DAYS);
  }

  private drawSessionStarts(plan: UserPlan, random: RandomSource, dayStartWallClockMs: number, intensity: number): number[] {
    const sessions = Math.max(1, poisson(random, plan.sessionsPerActiveDay * intensity));
    const starts: number[] = [];
    for (let session = 0; session < sessions; session += 1) {
      const hour = SESSION_HOUR.pick(random);
      const wallClockMs = dayStartWallClockMs + hour * MS_PER_HOUR + Math.floor(random.next() * SECONDS_PER_HOUR) * MS_PER_SECOND;
      starts.push(this.zoneClock.instantOfWallClock(plan.profile.timeZone, wallClockMs));
    }
    return starts.sort((left, right) => left - right);
  }

  private drawDay(plan: UserPlan, random: RandomSource, day: ActiveDay, drafts: DraftEvent[], counters: { orders: number; messages: number }): void {
    const firstSessionMs = day.sessionStartsMs[0];
    if (firstSessionMs === undefined) return;

    if (day.daysAgo === plan.signupDaysAgo) this.drawReferral(plan, random, firstSessionMs, drafts);
    if (plan.checksIn && chance(random, 0.85)) {
      drafts.push({ atMs: firstSessionMs + secondsBetween(random, 5, 60), payload: { type: 'checkin' } });
    }

    const queries = SEARCH_QUERIES[plan.profile.locale];
    for (const sessionStartMs of day.sessionStartsMs) {
      drafts.push({ atMs: sessionStartMs, payload: { type: 'session' } });
      // Cooling users also go less deep into each session: the session-depth signal.
      let cursorMs = sessionStartMs;
      const featureUses = poisson(random, plan.featureUsesPerSession * day.intensity);
      for (let use = 0; use < featureUses; use += 1) {
        cursorMs += secondsBetween(random, 10, 240);
        drafts.push({ atMs: cursorMs, payload: { type: 'feature_use', feature: plan.favouriteFeatures.pick(random) } });
      }
      const searches = poisson(random, plan.searchesPerSession);
      for (let search = 0; search < searches; search += 1) {
        cursorMs += secondsBetween(random, 5, 120);
        drafts.push({ atMs: cursorMs, payload: { type: 'search', query: pickOne(random, queries) } });
      }
    }

    // Purchases happen only on active days, so the per-day rate is scaled up by the active share
    // to keep the user's overall rate at their λ.
    const purchases = poisson(random, plan.purchasesPerDay / Math.max(plan.activeDayShare, 0.05));
    for (let purchase = 0; purchase < purchases; purchase += 1) {
      this.drawPurchase(plan, random, pickOne(random, day.sessionStartsMs), drafts, counters);
    }

    const opens = poisson(random, plan.messageOpensPerActiveDay);
    for (let open = 0; open < opens; open += 1) {
      const messageId = `m-${plan.profile.userId.slice(2)}-${counters.messages}`;
      counters.messages += 1;
      // The open brings the user in: it lands just before one of the day's sessions.
      const openMs = pickOne(random, day.sessionStartsMs) - secondsBetween(random, 5, 300);
      drafts.push({ atMs: openMs, payload: { type: 'message_open', messageId } });
      if (chance(random, MESSAGE_CLICK_SHARE) && openMs >= this.windowStartMs) {
        drafts.push({ atMs: openMs + secondsBetween(random, 2, 60), payload: { type: 'message_click', messageId } });
      }
    }
  }

  private drawPurchase(plan: UserPlan, random: RandomSource, sessionStartMs: number, drafts: DraftEvent[], counters: { orders: number }): void {
    const orderId = `o-${plan.profile.userId.slice(2)}-${counters.orders}`;
    counters.orders += 1;
    const purchaseMs = sessionStartMs + secondsBetween(random, 60, 1200);
    const amount = Math.max(0.01, roundToCents(gamma(random, plan.spendShape, 1 / plan.spendRate)));
    drafts.push({ atMs: purchaseMs - secondsBetween(random, 20, 120), payload: { type: 'feature_use', feature: 'checkout' } });
    drafts.push({ atMs: purchaseMs, payload: { type: 'purchase', orderId, amount, currency: plan.currency } });
    // Only refund purchases the window shows, so every refund names an order seen before it.
    if (!chance(random, REFUND_SHARE) || purchaseMs < this.windowStartMs) return;
    const refundMs = purchaseMs + Math.floor((uniform(random, 1, 10) * MS_PER_DAY) / MS_PER_SECOND) * MS_PER_SECOND;
    // Floor, not round, so a partial refund never exceeds the purchase.
    const refundAmount = chance(random, 0.7) ? amount : Math.max(0.01, Math.floor(amount * uniform(random, 0.2, 0.9) * 100) / 100);
    // A refund past the end date or the user's silence is dropped with the other late events.
    drafts.push({ atMs: refundMs, payload: { type: 'refund', orderId, amount: refundAmount } });
  }

  /**
   * Some users signed up through a friend. The referrer is an earlier index (so referrals never
   * loop) who had signed up before; users without one are simply not referred.
   */
  private drawReferral(plan: UserPlan, random: RandomSource, firstSessionMs: number, drafts: DraftEvent[]): void {
    if (plan.userIndex === 0) return;
    const share = plan.archetype === 'new' ? REFERRED_SIGNUP_SHARE.new : REFERRED_SIGNUP_SHARE.other;
    if (!chance(random, share)) return;
    for (let attempt = 0; attempt < REFERRER_ATTEMPTS; attempt += 1) {
      const referrerIndex = integerBetween(random, 0, plan.userIndex - 1);
      if (this.planOf(referrerIndex).signupDaysAgo > plan.signupDaysAgo) {
        drafts.push({ atMs: firstSessionMs - secondsBetween(random, 1, 30), payload: { type: 'referral_signup', referrerId: userIdForIndex(referrerIndex) } });
        return;
      }
    }
  }
}

function secondsBetween(random: RandomSource, minSeconds: number, maxSeconds: number): number {
  return integerBetween(random, minSeconds, maxSeconds) * MS_PER_SECOND;
}

function roundToCents(amount: number): number {
  return Math.round(amount * 100) / 100;
}
